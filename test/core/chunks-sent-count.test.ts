// `report.chunks.sent` counts the chunks whose request may have reached the vendor, as the records' reasons
// do, and `chunks.replayed` the sends again: a chunk whose request never left (every connection refused, the
// caller's abort while it waited for Propeller's access token, a token Propeller refused) was counted sent, and
// each attempt after the first a replay, while each of its records said it never reached the vendor. Progress's
// `sent` counts records as the report counts chunks.
import { describe, expect, it } from "vitest";
import type { ChunkResult, ItemOutcome } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import type { ImportProgress } from "../../src/core/engine/report.js";
import { ApiError } from "../../src/core/errors/api-error.js";
import { DropConnection, serveSimulator } from "../../src/testing/index.js";
import { settingsOf, simulatorSettings } from "../../src/vendor-module.js";
import { VENDORS } from "../../src/vendors.js";
import { IMPORTERS } from "../support/importers.js";
import { matching } from "../support/matchers.js";
import { refusedAt } from "../support/refused-port.js";
import { importEvery, testAdapter } from "../support/test-adapter.js";

describe.each(VENDORS.map((vendor) => [vendor.name, vendor] as const))("%s", (_name, vendor) => {
  it("a chunk whose every connection was refused is not counted sent", async () => {
    const client = vendor.createClient(simulatorSettings(vendor), {
      baseUrl: refusedAt(),
      retryBaseDelayMs: 1,
    });
    const samples = await vendor.samples(3);
    const records = [samples.record("refused-1"), samples.record("refused-2")];

    const report = await IMPORTERS[vendor.name](client, records, {
      chunkAttempts: 3,
      replayDelayMs: 1,
    });

    expect(report.failed).toBe(2);
    expect(report.outcomes).toMatchObject(
      records.map(() => ({
        outcome: "failed",
        reason: matching(/request never reached|was not sent/),
      })),
    );
    expect(report.chunks).toEqual({ sent: 0, resumed: 0, replayed: 0 });
  });

  it("a chunk refused for its credentials counts as sent only where its own request went out", async () => {
    const create = await vendor.simulator();
    const served = await serveSimulator(
      create({ settings: simulatorSettings(vendor), faults: {} }),
    );
    try {
      const wrong = settingsOf(vendor, (setting) =>
        setting.secret === true ? "not-the-secret" : setting.simulator,
      );
      const client = vendor.createClient(wrong, { baseUrl: served.url });
      const samples = await vendor.samples(4);

      const report = await IMPORTERS[vendor.name](client, [samples.record("wrong-1")], {});

      expect(report.fatal).toMatch(/401/);
      // Propeller's token request was refused: the users' request never went out.
      expect(report.chunks.sent).toBe(vendor.name === "propeller" ? 0 : 1);
    } finally {
      await served.close();
    }
  });
});

it("propeller: a chunk whose access token never came before the caller's abort is not counted sent", async () => {
  const propeller = VENDORS.find((vendor) => vendor.name === "propeller")!;
  const controller = new AbortController();
  const create = await propeller.simulator();
  const served = await serveSimulator(
    create({
      settings: simulatorSettings(propeller),
      faults: {
        script: (call) => {
          if (call.operation !== "getAccessToken") return undefined;
          setImmediate(() => controller.abort());
          return {
            answer: () =>
              new Promise<Response>((_resolve, reject) =>
                call.request.signal.addEventListener("abort", () => reject(new DropConnection())),
              ),
          };
        },
      },
    }),
  );
  try {
    const client = propeller.createClient(simulatorSettings(propeller), { baseUrl: served.url });
    const samples = await propeller.samples(5);
    const report = await IMPORTERS.propeller(client, [samples.record("waits-1")], {
      signal: controller.signal,
    });

    expect(report.aborted).toBe(true);
    expect(report.outcomes).toMatchObject([
      { outcome: "failed", reason: matching(/the request was not sent/) },
    ]);
    expect(report.chunks.sent).toBe(0);
  } finally {
    await served.close();
  }
});

describe("a fatal answer to a request that never went out", () => {
  const lost: ChunkResult = {
    kind: "done",
    outcomes: [{ ok: false, code: "timeout", reason: "no answer", transient: true }],
  };

  it("after a lost answer, is no replay: the chunk was sent once", async () => {
    const report = await runImport(scripted([lost, { kind: "fatal", error: tokenRefused() }]), [
      { id: "u0" },
    ]);
    expect(report.fatal).toMatch(/401/);
    expect(report.chunks).toEqual({ sent: 1, resumed: 0, replayed: 0 });
  });

  it("on a chunk's only attempt, leaves it not sent", async () => {
    const report = await runImport(scripted([{ kind: "fatal", error: tokenRefused() }]), [
      { id: "u0" },
    ]);
    expect(report.chunks).toEqual({ sent: 0, resumed: 0, replayed: 0 });
  });
});

describe("progress's `sent`", () => {
  const neverLeft: ItemOutcome = {
    ok: false,
    code: "connection_refused",
    reason: "the request was not sent: connection refused",
    transient: true,
    unprocessed: "not_sent",
  };

  it("counts the records of the chunks the report counts sent, not those whose request never left", async () => {
    const seen: ImportProgress[] = [];
    // Chunks of 2: the first chunk's request never leaves, the second's is imported.
    const adapter = testAdapter<{ id: string }>((chunk) =>
      chunk.seq === 0
        ? Promise.resolve({ kind: "done", outcomes: chunk.keys.map(() => neverLeft) })
        : importEvery(chunk),
    );

    const report = await runImport(adapter, [{ id: "u0" }, { id: "u1" }, { id: "u2" }], {
      onProgress: (progress) => seen.push(progress),
    });

    expect(report.chunks.sent).toBe(1);
    expect(seen.at(-1)).toMatchObject({ sent: 1, imported: 1, failed: 2 });
  });

  it("counts none of a chunk whose only attempt was refused a token before it went out", async () => {
    const seen: ImportProgress[] = [];
    const report = await runImport(
      scripted([{ kind: "fatal", error: tokenRefused() }]),
      [{ id: "u0" }],
      {
        onProgress: (progress) => seen.push(progress),
      },
    );

    expect(report.chunks.sent).toBe(0);
    expect(seen.at(-1)).toMatchObject({ sent: 0, failed: 1 });
  });
});

/** Propeller's token endpoint refusing the client: the users' request never goes out. */
const tokenRefused = () =>
  Object.assign(
    new ApiError("getAccessToken (POST /token): HTTP 401", {
      operation: "getAccessToken",
      method: "POST",
      path: "/token",
    }),
    { status: 401, body: {}, cannotHaveArrived: true },
  );

/** An adapter whose n-th send of the chunk answers `answers[n]`. */
function scripted(answers: readonly ChunkResult[]) {
  let sends = 0;
  return testAdapter<{ id: string }>(
    () => Promise.resolve(answers[Math.min(sends++, answers.length - 1)]!),
    { replay: { by: "upsert", why: "the test vendor upserts" } },
  );
}
