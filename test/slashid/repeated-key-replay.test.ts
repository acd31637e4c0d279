// SlashID (in the world where it refuses a person it already has, the simulator's default) refuses a second
// record of the same person as "already exists". A clean run reports that record failed. When the answer for
// its file was lost and the file is replayed (within the run, or by a re-run with the journal), SlashID refuses
// it again for the same reason: the person exists because of the EARLIER file's record, not because the lost
// upload wrote this one. The report must not turn that refusal into "imported".
import { describe, expect, it } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { importUsers } from "../../src/slashid/import.js";
import type { SlashIdPerson } from "../../src/slashid/records.js";
import { gatewayPage } from "../../src/testing/index.js";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { abortingAfter, slashIdClient, slashIdWorld } from "../slashid/harness.js";

const server = useMswServer();

// One person per file: the second record names the first one's person (emails compare in lower case).
const INPUT: SlashIdPerson[] = [
  { emails: ["ann@example.com"], groups: ["first"] },
  { emails: ["Ann@example.com"], groups: ["second"] },
  { emails: ["bob@example.com"] },
];
const options = { sleep: async () => {}, chunkRecords: 1, replayDelayMs: 0 };

/** Whether the report claims record `index` imported. */
const claimedImported = (report: ImportReport, index: number) =>
  report.outcomes[index]?.outcome === "imported";

describe("SlashID: a record refused because an earlier file's record made its person", () => {
  it("a clean run reports it failed, and SlashID holds only the first record's values", async () => {
    const world = slashIdWorld(server);
    const report = await importUsers(slashIdClient(), INPUT, options);

    expectEveryRecordOnce(report, 3);
    expect(world.sim.persons().find((p) => p.emails.includes("ann@example.com"))?.groups).toEqual([
      "first",
    ]);
    expect(claimedImported(report, 1)).toBe(false);
    // Refused outright: no upload was lost, so SlashID's refusal is its word, not a hedge on what it holds.
    expect(report.outcomes[1]).toMatchObject({ outcome: "failed", code: "rejected_by_vendor" });
    expect(report.outcomes[1]).not.toHaveProperty("vendorMayHold", true);
  });

  it("stays not imported when its file's answer was lost and the file was replayed in the run", async () => {
    const world = slashIdWorld(server, {
      // SlashID processes the second file (refusing the repeated person), then the answer is lost.
      script: (call) => (call.attempt === 2 ? { after: () => gatewayPage(502) } : undefined),
    });
    const report = await importUsers(slashIdClient(), INPUT, options);

    expectEveryRecordOnce(report, 3);
    expect(report.chunks.replayed).toBe(1);
    const ann = world.sim.persons().find((p) => p.emails.includes("ann@example.com"));
    // SlashID never wrote the second record's values ...
    expect(ann?.groups).toEqual(["first"]);
    expect(world.sim.stats().duplicateWrites).toBe(0);
    // ... so the report must not say it imported them.
    expect(claimedImported(report, 1)).toBe(false);
    // Neither refused for sure nor imported: the reason names the earlier record that explains the refusal.
    expect(report.outcomes[1]).toMatchObject({
      outcome: "failed",
      code: "import_unconfirmed",
      reason: matching(/record 0 of the input, in an earlier file of this import/),
    });
    expect(report.outcomes[2]).toMatchObject({ outcome: "imported" });
  });

  it("stays not imported when a re-run with the journal uploads its file again", async () => {
    const controller = new AbortController();
    const world = slashIdWorld(server, {
      // The second file is processed, then the run dies before the answer is journaled.
      script: (call) => (call.attempt === 2 ? { after: abortingAfter(controller) } : undefined),
    });
    const journal = journalFile("slashid");
    const first = await importUsers(slashIdClient(), INPUT, {
      ...options,
      journal,
      signal: controller.signal,
    });
    expect(first.aborted).toBe(true);
    world.script = undefined;

    const second = await importUsers(slashIdClient(), INPUT, { ...options, journal });

    expectEveryRecordOnce(second, 3);
    expect(second.chunks.resumed).toBe(1);
    expect(world.sim.persons().find((p) => p.emails.includes("ann@example.com"))?.groups).toEqual([
      "first",
    ]);
    expect(world.sim.stats().duplicateWrites).toBe(0);
    expect(claimedImported(second, 1)).toBe(false);
    expect(second.outcomes[2]).toMatchObject({ outcome: "imported" });
  });
});

describe("SlashID: a record sharing another handle than its first with an earlier file's record", () => {
  // The second record's first handle is its own email; its phone number is Ann's, so SlashID refuses it.
  const SHARED_PHONE: SlashIdPerson[] = [
    { emails: ["ann@example.com"], phone_numbers: ["+13475043201"], groups: ["first"] },
    { emails: ["ann.work@example.com"], phone_numbers: ["+13475043201"], groups: ["second"] },
    { emails: ["bob@example.com"] },
  ];

  it("is warned of as the earlier record's person", async () => {
    slashIdWorld(server);
    const report = await importUsers(slashIdClient(), SHARED_PHONE, options);

    expect(report.events["duplicate_keys"]).toBe(1);
    expect(report.outcomes[1]).toMatchObject({ outcome: "failed" });
  });

  it("stays not imported when its file's answer was lost and the file was replayed in the run", async () => {
    const world = slashIdWorld(server, {
      script: (call) => (call.attempt === 2 ? { after: () => gatewayPage(502) } : undefined),
    });
    const report = await importUsers(slashIdClient(), SHARED_PHONE, options);

    expectEveryRecordOnce(report, 3);
    expect(report.chunks.replayed).toBe(1);
    // SlashID holds Ann only, with the first record's values: nothing of the second record was written.
    expect(world.sim.persons().map((p) => [p.emails, p.groups])).toEqual([
      [["ann@example.com"], ["first"]],
      [["bob@example.com"], []],
    ]);
    expect(claimedImported(report, 1)).toBe(false);
  });
});

describe("SlashID: a repeated person whose file-mate shares its phone number, its file's answer lost", () => {
  // Ann's second record comes in a file with cy, who holds her phone number too: the replay's "already
  // exists" is explained by the earlier file's record of her key, which the reason names.
  const WITH_MATE: SlashIdPerson[] = [
    { emails: ["ann@example.com"], phone_numbers: ["+13475043201"], groups: ["first"] },
    { emails: ["bob@example.com"] },
    { emails: ["Ann@example.com"], phone_numbers: ["+13475043201"], groups: ["second"] },
    { emails: ["cy@example.com"], phone_numbers: ["+13475043201"] },
  ];

  it("names the earlier record of its key, not the file-mate sharing its phone number", async () => {
    slashIdWorld(server, {
      script: (call) => (call.attempt === 2 ? { after: () => gatewayPage(502) } : undefined),
    });
    const report = await importUsers(slashIdClient(), WITH_MATE, { ...options, chunkRecords: 2 });

    expectEveryRecordOnce(report, 4);
    expect(report.chunks.replayed).toBe(1);
    expect(report.outcomes[2]).toMatchObject({
      outcome: "failed",
      code: "import_unconfirmed",
      reason: matching(/record 0 of the input, in an earlier file of this import/),
    });
  });
});
