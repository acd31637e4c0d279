// A chunk whose journal save before its request failed (a full disk, the journal removed): the save stops the
// run and the chunk's own send, so nothing of it went out. Its records said "the import stopped while this
// chunk was out: if its request reached <vendor>, <vendor> may hold this record" and were flagged
// vendorMayHold, and the chunk counted as sent. They now say the chunk was not sent and what a re-run does,
// unless an earlier send of it (this run's, or an earlier run's on the journal's word) may have written them.
import { once } from "node:events";
import { rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, vi } from "vitest";
import type { ChunkResult } from "../../src/core/engine/adapter.js";
import { EARLIER_TRY_NOTE } from "../../src/core/engine/chunk-outcomes.js";
import { runImport } from "../../src/core/engine/engine.js";
import { createTransport } from "../../src/core/http/transport.js";
import { serveSimulator } from "../../src/testing/index.js";
import { simulatorSettings } from "../../src/vendor-module.js";
import { VENDORS } from "../../src/vendors.js";
import { json } from "../../src/testing/faults.js";
import { IMPORTERS } from "../support/importers.js";
import { journalFile } from "../support/journal-file.js";
import { containing } from "../support/matchers.js";
import { importEvery, testAdapter } from "../support/test-adapter.js";

// The journal's state lines that find the disk full: those of `disk.journal` holding `disk.holding`, but for
// the first `disk.fits` of them.
const disk = vi.hoisted(() => ({ journal: "", holding: "", fits: 0 }));

vi.mock("node:fs", async (importOriginal) => {
  const { fullDisk } = await import("../support/full-disk.js");
  return fullDisk(await importOriginal(), (file, text) => {
    if (file !== disk.journal || !text.includes('"kind":"state"') || !text.includes(disk.holding))
      return undefined;
    if (disk.fits === 0) return 0;
    disk.fits -= 1;
    return undefined;
  });
});

// What a chunk not sent says of an earlier run's state on record, which the engine does not read further.
const EARLIER_RUN =
  "an earlier run with this journal may have sent its chunk (the journal holds state saved for a send)";
const NOT_SENT =
  "not sent: saving this chunk's state in the journal failed before any request of this attempt carrying its records went out";

describe.each(VENDORS.map((vendor) => [vendor.name, vendor] as const))("%s", (_name, vendor) => {
  it("a chunk whose save before its first request failed is not sent, and said not to be", async () => {
    const create = await vendor.simulator();
    const sim = create({ settings: simulatorSettings(vendor), faults: {} });
    const served = await serveSimulator(sim);
    try {
      const client = vendor.createClient(simulatorSettings(vendor), { baseUrl: served.url });
      const samples = await vendor.samples(3);
      const records = [samples.record("save-1"), samples.record("save-2")];
      const journal = journalFile("save-before-send");
      Object.assign(disk, { journal, holding: "", fits: 0 });

      const report = await IMPORTERS[vendor.name](client, records, { journal });
      Object.assign(disk, { journal: "" });

      expect(report.fatal).toContain("ENOSPC");
      expect(sim.stats().requests).toEqual({});
      for (const outcome of report.outcomes) {
        expect(outcome).toMatchObject({
          outcome: "failed",
          code: "fatal",
          reason: containing(`${NOT_SENT}, and the import stopped there (ENOSPC`),
        });
        expect(outcome).toMatchObject({
          reason: containing("; a re-run with the same journal sends it"),
        });
        expect(outcome).not.toHaveProperty("vendorMayHold");
      }
      expect(report.vendorMayHold).toBe(0);
      expect(report.chunks.sent).toBe(0);

      // What the records said: the re-run with that journal sends them.
      const again = await IMPORTERS[vendor.name](client, records, {
        journal,
        sleep: () => Promise.resolve(),
      });
      expect(again.imported).toBe(2);
    } finally {
      await served.close();
    }
  });
});

describe("a chunk whose journal save failed, in an import through a test vendor", () => {
  /** Writes a chunk's records to the test vendor (a POST through the library's transport), answered 200. */
  function vendorWrites() {
    const writes = { count: 0 };
    const transport = createTransport({
      fetch: () => {
        writes.count += 1;
        return Promise.resolve(new Response("{}"));
      },
      rateLimit: false,
    });
    const write = (signal: AbortSignal) =>
      transport(new Request("http://127.0.0.1/import", { method: "POST", body: "{}", signal }));
    return { writes, write };
  }

  /** Every record of the chunk failed as a write no answer settled: the vendor may hold it. */
  const unanswered = (chunk: { readonly keys: readonly string[] }): ChunkResult => ({
    kind: "done",
    outcomes: chunk.keys.map(() => ({
      ok: false,
      code: "timeout",
      reason: "no answer",
      transient: true,
      vendorMayHold: true,
    })),
  });

  const UPSERT = {
    replay: { by: "upsert", why: "the test vendor updates the user it has" },
  } as const;

  it("the journal removed before the first save: not sent, and a re-run sends it", async () => {
    const journal = journalFile("save-before-send");
    const { writes, write } = vendorWrites();
    const adapter = testAdapter<{ id: string }>(async (chunk, context) => {
      rmSync(journal);
      context.checkpoint({ sent: "1" });
      await write(context.signal);
      return importEvery(chunk);
    });

    const report = await runImport(adapter, [{ id: "a" }, { id: "b" }], { journal });

    expect(writes.count).toBe(0);
    expect(report.fatal).toContain("it was removed while this run used it");
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({
        code: "fatal",
        reason: containing(`${NOT_SENT}, and the import stopped there (journal `),
      });
      // Not "the same journal": a re-run with its path starts a new one.
      expect(outcome).toMatchObject({
        reason: containing("removed while this run used it); a re-run sends it"),
      });
      expect(outcome).not.toHaveProperty("vendorMayHold");
    }
    expect(report.chunks.sent).toBe(0);
  });

  it("a save after the chunk's request went out still leaves the vendor possibly holding it", async () => {
    const journal = journalFile("save-before-send");
    const { writes, write } = vendorWrites();
    const adapter = testAdapter<{ id: string }>(async (chunk, context) => {
      await write(context.signal);
      context.checkpoint({ jobId: "job-1" });
      return importEvery(chunk);
    });
    Object.assign(disk, { journal, holding: "jobId" });

    const report = await runImport(adapter, [{ id: "a" }, { id: "b" }], { journal });
    Object.assign(disk, { journal: "" });

    expect(writes.count).toBe(1);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({
        vendorMayHold: true,
        reason: containing("test may hold this record"),
      });
      expect(outcome).not.toMatchObject({ reason: containing("not sent") });
    }
    expect(report.chunks.sent).toBe(1);
  });

  it("an adapter writing through its own fetch: a save after its POST leaves the vendor possibly holding it", async () => {
    const posts = { count: 0 };
    const server = createServer((req, res) => {
      if (req.method === "POST") posts.count += 1;
      req.resume().on("end", () => res.end("{}"));
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/import`;
    try {
      const journal = journalFile("save-before-send");
      // No `writesSeen`: the engine never sees this adapter's request go out.
      const { writesSeen: _unseen, ...adapter } = testAdapter<{ id: string }>(
        async (chunk, context) => {
          await (await fetch(url, { method: "POST", body: "{}", signal: context.signal })).text();
          rmSync(journal);
          context.checkpoint({ jobId: "job-1" });
          return importEvery(chunk);
        },
      );

      const report = await runImport(adapter, [{ id: "a" }, { id: "b" }], { journal });

      expect(posts.count).toBe(1);
      expect(report.fatal).toContain("it was removed while this run used it");
      for (const outcome of report.outcomes) {
        expect(outcome).toMatchObject({
          vendorMayHold: true,
          reason: containing("test may hold this record"),
        });
        expect(outcome).not.toMatchObject({ reason: containing("not sent") });
      }
      expect(report.vendorMayHold).toBe(2);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("after this run's earlier send, unanswered: not sent again, and the vendor may hold it from that send", async () => {
    const journal = journalFile("save-before-send");
    const { writes, write } = vendorWrites();
    const adapter = testAdapter<{ id: string }>(async (chunk, context) => {
      context.checkpoint({ [context.attempt === 0 ? "sent" : "resent"]: "1" });
      await write(context.signal);
      return unanswered(chunk);
    }, UPSERT);
    Object.assign(disk, { journal, holding: "resent" });

    const report = await runImport(adapter, [{ id: "a" }, { id: "b" }], {
      journal,
      replayDelayMs: 0,
    });
    Object.assign(disk, { journal: "" });

    expect(writes.count).toBe(1);
    for (const outcome of report.outcomes)
      expect(outcome).toMatchObject({
        code: "fatal",
        vendorMayHold: true,
        reason: containing(
          `not sent again: saving this chunk's state in the journal failed before any request of this attempt carrying its records went out, and the import stopped there (ENOSPC: no space left on device, write)${EARLIER_TRY_NOTE}; a re-run with the same journal settles it`,
        ),
      });
    expect(report.chunks).toEqual({ sent: 1, resumed: 0, replayed: 0 });
  });

  it("after an earlier run's send on record: not sent, and the vendor may hold it from that run's send", async () => {
    const journal = journalFile("save-before-send");
    const { writes, write } = vendorWrites();
    const adapter = testAdapter<{ id: string }>(async (chunk, context) => {
      context.checkpoint({ [context.resumed === undefined ? "sent" : "resent"]: "1" });
      await write(context.signal);
      return unanswered(chunk);
    }, UPSERT);
    const records = [{ id: "a" }, { id: "b" }];
    await runImport(adapter, records, { journal, chunkAttempts: 1 });
    Object.assign(disk, { journal, holding: "resent" });

    const report = await runImport(adapter, records, { journal });
    Object.assign(disk, { journal: "" });

    expect(writes.count).toBe(1);
    for (const outcome of report.outcomes)
      expect(outcome).toMatchObject({
        code: "fatal",
        vendorMayHold: true,
        reason: containing(
          `${NOT_SENT}, and the import stopped there (ENOSPC: no space left on device, write); test may hold this record: ${EARLIER_RUN}; a re-run with the same journal settles it`,
        ),
      });
    expect(report.chunks.sent).toBe(0);
  });
});

describe("a chunk whose journal save failed after an earlier attempt that went out or not", () => {
  const vendorNamed = (name: string) => VENDORS.find((vendor) => vendor.name === name)!;

  it("fullstory: an earlier run's create answered 429 on record: said as the journal's state, no more", async () => {
    const vendor = vendorNamed("fullstory");
    const create = await vendor.simulator();
    const sim = create({
      settings: simulatorSettings(vendor),
      faults: {
        script: ({ operation, attempt }) =>
          operation === "createBatchImport" && attempt === 1
            ? { answer: () => json({ message: "slow down" }, 429) }
            : undefined,
      },
    });
    const served = await serveSimulator(sim);
    try {
      const client = vendor.createClient(simulatorSettings(vendor), {
        baseUrl: served.url,
        maxRetries: 0,
      });
      const samples = await vendor.samples(3);
      const records = [samples.record("turned-1"), samples.record("turned-2")];
      const journal = journalFile("save-before-send");
      const first = await IMPORTERS[vendor.name](client, records, { journal, chunkAttempts: 1 });
      for (const outcome of first.outcomes)
        expect(outcome).toMatchObject({ outcome: "failed", code: "429" });
      Object.assign(disk, { journal, holding: '"unanswered":"1"', fits: 0 });

      const report = await IMPORTERS[vendor.name](client, records, { journal });
      Object.assign(disk, { journal: "" });

      expect(sim.stats().requests).toEqual({ "POST /v2/users/batch": 1 });
      for (const outcome of report.outcomes) {
        expect(outcome).toMatchObject({
          code: "fatal",
          reason: containing(
            `${NOT_SENT}, and the import stopped there (ENOSPC: no space left on device, write); fullstory may hold this record: ${EARLIER_RUN}; a re-run with the same journal settles it`,
          ),
        });
        // Not what the journal cannot tell: FullStory answered that send.
        expect(outcome).not.toMatchObject({ reason: containing("no answer said") });
      }
    } finally {
      await served.close();
    }
  });

  it("propeller: after an attempt whose token request failed, the next one's save fails: not sent", async () => {
    const vendor = vendorNamed("propeller");
    const create = await vendor.simulator();
    const sim = create({
      settings: simulatorSettings(vendor),
      faults: {
        script: ({ operation, attempt }) =>
          operation === "getAccessToken" && attempt === 1
            ? { answer: () => json({ error: "temporarily_unavailable" }, 503) }
            : undefined,
      },
    });
    const served = await serveSimulator(sim);
    try {
      const client = vendor.createClient(simulatorSettings(vendor), {
        baseUrl: served.url,
        maxRetries: 0,
      });
      const samples = await vendor.samples(3);
      const records = [samples.record("token-1"), samples.record("token-2")];
      const journal = journalFile("save-before-send");
      // The first attempt's save goes through; the second attempt's fails.
      Object.assign(disk, { journal, holding: '"sent":"1"', fits: 1 });

      const report = await IMPORTERS[vendor.name](client, records, {
        journal,
        replayDelayMs: 0,
      });
      Object.assign(disk, { journal: "" });

      expect(sim.stats().requests).toEqual({ "POST /oauth2/token": 1 });
      for (const outcome of report.outcomes) {
        expect(outcome).toMatchObject({
          code: "fatal",
          reason: containing(`${NOT_SENT}, and the import stopped there (ENOSPC`),
        });
        expect(outcome).not.toMatchObject({ reason: containing("not sent again") });
        expect(outcome).not.toHaveProperty("vendorMayHold");
      }
      expect(report.chunks.sent).toBe(0);
    } finally {
      await served.close();
    }
  });
});
