// A journal save that fails (a full disk) while a resumed run follows up on an earlier run's send, before it
// sent anything: the save of the job found for a lost send is no save before a request carrying the users,
// so they are not said to be "not sent" (that send, whose job Userpilot holds, is still open). And a chunk
// split by a 413 whose first half an earlier run saw end keeps that half's outcomes when the second half's
// save fails: Userpilot's word on them stands.
import { describe, expect, it, vi } from "vitest";
import { userpilotError } from "../../src/testing/userpilot/errors.js";
import { journalFile } from "../support/journal-file.js";
import { containing } from "../support/matchers.js";
import { bodyBytes, dropAfter, run, useUserpilot, users } from "./harness.js";

// The journal's state lines that find the disk full: those of `disk.journal` holding `disk.holding`.
const disk = vi.hoisted(() => ({ journal: "", holding: "" }));

vi.mock("node:fs", async (importOriginal) => {
  const { fullDisk } = await import("../support/full-disk.js");
  return fullDisk(await importOriginal(), (file, text) =>
    file === disk.journal && text.includes('"kind":"state"') && text.includes(disk.holding)
      ? 0
      : undefined,
  );
});

const vendor = useUserpilot();

describe("a resumed Userpilot chunk whose journal save fails", () => {
  it("saving the job found for an earlier run's lost send: that send is open, not 'not sent'", async () => {
    const journal = journalFile("userpilot-save-follow-up");
    const input = users(2);
    const up = vendor({});
    up.script({ bulkIdentifyUsers: { 1: dropAfter } });
    await run(input, { journal, chunkAttempts: 1 });
    const postsBefore = up.ofKind("POST").length;
    Object.assign(disk, { journal, holding: '"jobId"' });

    const report = await run(input, { journal });
    Object.assign(disk, { journal: "" });

    expect(up.ofKind("POST")).toHaveLength(postsBefore);
    expect(up.ofKind("LIST").length).toBeGreaterThan(0);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({
        outcome: "failed",
        vendorMayHold: true,
        reason: containing(
          "ENOSPC: no space left on device, write; the import stopped while this chunk was out: if its request reached userpilot, userpilot may hold this record",
        ),
      });
      expect(outcome).not.toMatchObject({ reason: containing("not sent") });
    }
  });

  it("a 413's first half an earlier run saw imported keeps its outcome when the second half's save fails", async () => {
    const journal = journalFile("userpilot-save-half");
    const input = users(4);
    // The whole chunk is too large; of its halves, the first is imported, the second turned away.
    const up = vendor({
      maxBytes: Math.max(bodyBytes(input.slice(0, 2)), bodyBytes(input.slice(2))),
    });
    up.sim.setFaults({
      script: async ({ operation, request }) => {
        if (operation !== "bulkIdentifyUsers") return undefined;
        const body = await request.clone().text();
        return body.includes('"u-2"') && !body.includes('"u-1"')
          ? { answer: () => userpilotError(503, "unavailable", "busy") }
          : undefined;
      },
    });
    const first = await run(input, { journal, chunkRecords: 4, chunkAttempts: 1 });
    expect(first.outcomes.map((o) => o.outcome)).toEqual([
      "imported",
      "imported",
      "failed",
      "failed",
    ]);
    up.sim.setFaults({});
    const posts = up.ofKind("POST").length;
    Object.assign(disk, { journal, holding: '"sent:2-4"' });

    const report = await run(input, { journal, chunkRecords: 4 });
    Object.assign(disk, { journal: "" });

    expect(up.ofKind("POST")).toHaveLength(posts);
    expect(report.outcomes.slice(0, 2).map((o) => o.outcome)).toEqual(["imported", "imported"]);
    expect(report.chunks.sent).toBe(0);
    for (const outcome of report.outcomes.slice(2))
      expect(outcome).toMatchObject({
        outcome: "failed",
        reason: containing("not sent: saving this chunk's state in the journal failed"),
      });
  });
});
