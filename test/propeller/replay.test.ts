// In-run replay of a Propeller chunk whose answer was lost after Propeller wrote its users (issue #11): the
// upsert on source + sourceId makes sending the chunk again safe, so every user ends imported exactly once in
// the report and Propeller holds one user per key; when every answer is lost, the records fail naming the
// attempts and a re-run with the same journal sends the chunk again.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { HttpResponse } from "msw";
import { afterAll, describe, expect, it } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { createPropellerClient } from "../../src/propeller/client.js";
import { importUsers, type PropellerImportOptions } from "../../src/propeller/import.js";
import type { PropellerUser } from "../../src/propeller/validate.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { propellerUser } from "../../src/testing/fixtures/propeller.js";
import { useMswServer } from "../support/msw.js";
import { cutAnswer, gatewayPage, propellerVendor, userKey } from "./vendor.js";

const server = useMswServer();
const dir = mkdtempSync(path.join(tmpdir(), "propeller-replay-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let journals = 0;
const journalFile = () => path.join(dir, `journal-${++journals}.ndjson`);

/** 15 users in three chunks of 5; the second chunk is the one whose answer gets lost. */
const OPTIONS: PropellerImportOptions = { chunkRecords: 5, concurrency: 1, replayDelayMs: 0 };

function users(seed: string): PropellerUser[] {
  const f = seededFaker(seed);
  return Array.from({ length: 15 }, (_, i) => ({
    ...propellerUser(f),
    source: "CRM",
    sourceId: `C-${i}`,
  }));
}

const run = (input: PropellerUser[], options: PropellerImportOptions = {}) =>
  importUsers(
    createPropellerClient({
      clientId: "client-1",
      clientSecret: "client-secret-1",
      sleep: async () => {},
    }),
    input,
    { ...OPTIONS, ...options },
  );

/** True for a request holding the second chunk (C-5 … C-9). */
const secondChunk = (sent: readonly PropellerUser[]) => sent[0]?.sourceId === "C-5";

const LOSSES = {
  "the connection drops": () => HttpResponse.error(),
  "the connection drops mid-answer": () => cutAnswer(),
  "a 502 gateway page comes back": () => gatewayPage(502),
  "a 504 gateway page comes back": () => gatewayPage(504),
};

type VendorState = ReturnType<typeof propellerVendor>;

/**
 * What every converged report and vendor keep: each user imported exactly once with the id Propeller holds
 * for it, no warning (the upsert leaves nothing in doubt), one user per key at the vendor.
 */
function expectConverged(report: ImportReport, input: PropellerUser[], vendor: VendorState) {
  expect(report).toMatchObject({ total: 15, imported: 15, failed: 0, rejected: 0 });
  expect(report.outcomes).toEqual(
    input.map((user, index) => ({
      index,
      key: userKey(user),
      outcome: "imported",
      id: String(vendor.ids.get(userKey(user))),
    })),
  );
  expect(vendor.ids.size).toBe(15);
  expect(new Set(vendor.ids.values()).size).toBe(15);
}

/** The action Propeller answered each user of the request numbered `n` with. */
const actionsOf = (vendor: VendorState, n: number) => [...(vendor.actions.get(n)?.values() ?? [])];

describe("Propeller: a chunk whose answer was lost is replayed within the run", () => {
  it.each(Object.entries(LOSSES))(
    "on the first attempt (%s): every user imported once, the replay answered `update`",
    async (_, lose) => {
      const vendor = propellerVendor(server, {
        loseAnswer: (n, sent) => (secondChunk(sent) && n === 2 ? lose() : undefined),
      });
      const input = users("lost-once");
      const report = await run(input);

      expectConverged(report, input, vendor);
      expect(report.chunks).toEqual({ sent: 3, resumed: 0, replayed: 1 });
      expect(vendor.requests.map((r) => r[0]?.sourceId)).toEqual(["C-0", "C-5", "C-5", "C-10"]);
      expect(actionsOf(vendor, 2)).toEqual(Array(5).fill("create"));
      expect(actionsOf(vendor, 3)).toEqual(Array(5).fill("update"));
    },
  );

  it("when the replay's answer is lost too: a second replay, still one user per key", async () => {
    const vendor = propellerVendor(server, {
      loseAnswer: (_n, sent) =>
        secondChunk(sent) && vendor.requests.filter(secondChunk).length <= 2
          ? gatewayPage(502)
          : undefined,
    });
    const input = users("lost-twice");
    const report = await run(input);

    expectConverged(report, input, vendor);
    expect(report.chunks).toEqual({ sent: 3, resumed: 0, replayed: 2 });
    expect(vendor.requests.filter(secondChunk)).toHaveLength(3);
    for (const user of input.slice(5, 10)) expect(vendor.writes.get(userKey(user))).toBe(3);
  });

  it("after a crash between the send and the checkpoint: a re-run with the journal converges", async () => {
    const journal = journalFile();
    const controller = new AbortController();
    const vendor = propellerVendor(server, {
      // Propeller wrote the second chunk; the process "dies" before its answer is journaled.
      loseAnswer: (_n, sent) => {
        if (secondChunk(sent)) controller.abort();
        return undefined;
      },
    });
    const input = users("crash");
    const first = await run(input, { journal, signal: controller.signal });
    expect(first.aborted).toBe(true);
    for (const user of input.slice(5, 10)) expect(vendor.writes.get(userKey(user))).toBe(1);
    // The interrupted run cannot know what Propeller did: it says aborted, not refused.
    for (const outcome of first.outcomes.slice(5, 10)) {
      expect(outcome).toMatchObject({ outcome: "failed", code: "aborted" });
    }

    delete vendor.options.loseAnswer;
    const before = vendor.requests.length;
    const second = await run(input, { journal });

    expectConverged(second, input, vendor);
    // The first chunk's outcome came from the journal; the crashed one was sent again (Propeller answered
    // `update`), and the third for the first time.
    expect(second.chunks).toEqual({ sent: 2, resumed: 1, replayed: 0 });
    expect(vendor.requests.slice(before).map((r) => r[0]?.sourceId)).toEqual(["C-5", "C-10"]);
    expect(actionsOf(vendor, before + 1)).toEqual(Array(5).fill("update"));
  });

  it("when every answer is lost: the records fail naming the attempts, and a re-run sends the chunk again", async () => {
    const journal = journalFile();
    const vendor = propellerVendor(server, {
      loseAnswer: (_n, sent) => (secondChunk(sent) ? gatewayPage(504) : undefined),
    });
    const input = users("lost-always");
    const first = await run(input, { journal, chunkAttempts: 3 });

    expect(first).toMatchObject({ total: 15, imported: 10, failed: 5 });
    expect(first.chunks).toEqual({ sent: 3, resumed: 0, replayed: 2 });
    expect(vendor.requests.filter(secondChunk)).toHaveLength(3);
    for (const outcome of first.outcomes.slice(5, 10)) {
      expect(outcome.outcome).toBe("failed");
      expect(outcome.outcome === "failed" && outcome.reason).toMatch(
        /sent 3 times in this run \(replayed by upsert\): a re-run with the same journal tries again$/,
      );
    }

    delete vendor.options.loseAnswer;
    const before = vendor.requests.length;
    const second = await run(input, { journal });

    expectConverged(second, input, vendor);
    expect(second.chunks).toEqual({ sent: 1, resumed: 2, replayed: 0 });
    expect(vendor.requests.slice(before).map((r) => r[0]?.sourceId)).toEqual(["C-5"]);
  });
});
