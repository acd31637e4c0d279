// A run the import stops itself, at an error it then rejects with (a callback that threw, a journal that does
// not fit the input): the records it cut short or never sent say so. The client calls any abort of its signal
// "aborted by the caller", and the caller did nothing.
import { describe, expect, it } from "vitest";
import type { RecordOutcome } from "../../src/core/engine/report.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/import.js";
import { API_KEY, mountFullStory } from "../fullstory/harness.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";

describe("an onProgress that throws while a chunk is out", () => {
  const server = useMswServer();

  it("leaves that chunk's records and the unsent ones saying the import stopped, not the caller", async () => {
    let reached!: () => void;
    const firstChunkOut = new Promise<void>((resolve) => (reached = resolve));
    mountFullStory(server, {
      faults: {
        // The first chunk's answer waits until the import gives up on it.
        script: (call) =>
          call.operation === "createBatchImport" && call.attempt === 1
            ? {
                answer: () =>
                  new Promise<Response>((resolve) => {
                    const done = () => resolve(new Response(null, { status: 504 }));
                    call.request.signal.addEventListener("abort", done);
                    reached();
                  }),
              }
            : undefined,
      },
    });
    async function* records() {
      yield* [{ uid: "a" }, { uid: "b" }, { uid: "c" }];
      await firstChunkOut;
      yield* [{ uid: "d" }, { uid: "e" }];
    }
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const failing = new Error("the progress sink is closed");
    const seen: RecordOutcome[] = [];
    await expect(
      importUsers(client, records(), {
        chunkRecords: 2,
        concurrency: 1,
        progressEvery: 1,
        replayDelayMs: 0,
        onOutcome: (outcome) => seen.push(outcome),
        onProgress: ({ validated }) => {
          if (validated === 4) throw failing;
        },
      }),
    ).rejects.toBe(failing);

    expect(seen.map((o) => o.index).sort()).toEqual([0, 1, 2, 3]);
    for (const outcome of seen) expect(outcome).toMatchObject({ outcome: "failed" });
    const out = seen.filter((o) => o.index < 2);
    for (const outcome of out)
      expect(outcome).toMatchObject({
        code: "aborted",
        reason: matching(
          /stopped by the import, not the caller \(at the error the import rejects with: a callback or the input that threw.*; .*fullstory may hold this record/,
        ),
      });
    for (const outcome of seen.filter((o) => o.index >= 2))
      expect(outcome).toMatchObject({
        code: "aborted",
        reason:
          "not sent: the import stopped at the error it rejects with (the progress sink is closed)",
      });
    for (const outcome of seen)
      expect(outcome.outcome === "failed" && outcome.reason).not.toMatch(
        /by the caller|was aborted/,
      );
  });
});

describe("a callback that throws the caller's own abort reason back", () => {
  const server = useMswServer();

  // The run rejects with that reason, as with any callback's throw; yet the caller stopped it, not the import.
  it("leaves the records saying the caller aborted the import", async () => {
    const caller = new AbortController();
    const stop = new Error("stopped from the dashboard");
    let creates = 0;
    mountFullStory(server, {
      faults: {
        // Both chunks' answers wait until the caller aborts, once both are out.
        script: (call) =>
          call.operation === "createBatchImport"
            ? {
                answer: () =>
                  new Promise<Response>((resolve) => {
                    const done = () => resolve(new Response(null, { status: 504 }));
                    call.request.signal.addEventListener("abort", done);
                    if (++creates === 2) caller.abort(stop);
                  }),
              }
            : undefined,
      },
    });
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const seen: RecordOutcome[] = [];
    await expect(
      importUsers(client, [{ uid: "a" }, { uid: "b" }, { uid: "c" }], {
        chunkRecords: 1,
        concurrency: 2,
        replayDelayMs: 0,
        signal: caller.signal,
        onOutcome: (outcome) => seen.push(outcome),
        // As a progress sink given the caller's signal does once it aborted.
        onProgress: () => caller.signal.throwIfAborted(),
      }),
    ).rejects.toBe(stop);

    expect(seen.map((o) => o.index).sort()).toEqual([0, 1, 2]);
    for (const outcome of seen) {
      expect(outcome).toMatchObject({ outcome: "failed", code: "aborted" });
      expect(outcome).not.toMatchObject({
        reason: matching(/not the caller|stopped at the error/),
      });
    }
    expect(seen.find((o) => o.index === 2)).toMatchObject({
      reason: "the import was aborted before this chunk was sent",
    });
  });
});
