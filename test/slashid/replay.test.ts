// In-run replay of a SlashID file whose answer was lost after SlashID processed it (issue #11). What SlashID
// does with a person it already has is UNCONFIRMED, so each case runs in both worlds: it refuses the row in
// `failed_csv` ("person already exists": the replayed persons end imported with a warning saying SlashID
// cannot tell who created them), or it updates the person (imported, nothing to warn about). Either way every
// person ends imported exactly once in the report and SlashID holds one person per key.
import { describe, expect, it } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { importUsers, type SlashIdImportOptions } from "../../src/slashid/import.js";
import type { SlashIdPerson } from "../../src/slashid/records.js";
import type { ScriptAction } from "../../src/testing/faults.js";
import { cutAnswer, gatewayPage } from "../../src/testing/kit/answers.js";
import { DropConnection } from "../../src/testing/simulator.js";
import { journalFile } from "../support/journal-file.js";
import { useMswServer } from "../support/msw.js";
import {
  abortingAfter,
  persons,
  slashIdClient,
  slashIdWorld,
  uploadedRows,
  type Row,
  type SlashIdWorld,
} from "./harness.js";

const server = useMswServer();

/** 9 persons in three files of 3; the second file (persons 3–5) is the one whose answer gets lost. */
const OPTIONS: SlashIdImportOptions = { chunkRecords: 3, replayDelayMs: 0 };
const LOST = [3, 4, 5];

const run = (input: SlashIdPerson[], options: SlashIdImportOptions = {}) =>
  importUsers(slashIdClient(), input, { sleep: async () => {}, ...OPTIONS, ...options });

const WORLDS = ["refuse", "update"] as const;
type World = (typeof WORLDS)[number];

/** What takes the place of SlashID's answer once it has processed the file. */
const LOSSES: Record<string, () => Response> = {
  "the connection drops": () => {
    throw new DropConnection();
  },
  "the connection drops mid-answer": () => cutAnswer('{"result":{"successful_imp'),
  "a 502 gateway page comes back": () => gatewayPage(502),
  "a 504 gateway page comes back": () => gatewayPage(504),
};

const simIn = (world: World) =>
  slashIdWorld(server, { existingPersons: world === "update" ? "upsert" : "refuse" });

/** True for the rows of the second file. */
const secondFile = (input: SlashIdPerson[]) => (rows: readonly Row[]) =>
  rows[0]?.["slashid:emails"] === input[3]!.emails![0];

/**
 * Once SlashID has processed one of the first `uploads` uploads of the second file, `lose` takes its answer
 * (and puts a lost one in its place, or gives it back).
 */
function onSecondFile(
  world: SlashIdWorld,
  input: SlashIdPerson[],
  uploads: number,
  lose: (answer: Response) => Response,
): void {
  const isSecond = secondFile(input);
  let n = 0;
  world.script = async (call): Promise<ScriptAction | undefined> =>
    isSecond(await uploadedRows(call)) && ++n <= uploads ? { after: lose } : undefined;
}

/** The uploads of the second file SlashID read. */
const secondUploads = (world: SlashIdWorld, input: SlashIdPerson[]) =>
  world.sim.uploads().filter((upload) => secondFile(input)(upload.rows));

/** Persons a later upload wrote again (SlashID updated them), with how many times. */
const updates = (world: SlashIdWorld) =>
  world.sim
    .persons()
    .filter((p) => p.uploads.length > 1)
    .map((p) => p.uploads.length - 1);

/**
 * What a converged run keeps: every person imported exactly once in the report, SlashID holding one person
 * per key, and a warning on exactly the replayed persons in the refusing world (none where SlashID updates).
 */
function expectConverged(
  report: ImportReport,
  input: SlashIdPerson[],
  sim: SlashIdWorld["sim"],
  world: World,
) {
  expect(report).toMatchObject({ total: 9, imported: 9, failed: 0, rejected: 0 });
  expect(report.outcomes.map((o) => [o.index, o.key, o.outcome])).toEqual(
    input.map((p, i) => [i, p.emails![0], "imported"]),
  );
  expect(sim.stats()).toMatchObject({ users: 9, duplicates: 0 });
  const warned = report.outcomes
    .filter((o) => o.outcome === "imported" && o.warning !== undefined)
    .map((o) => o.index);
  expect(warned).toEqual(world === "refuse" ? LOST : []);
  for (const o of report.outcomes) {
    if (o.outcome === "imported" && o.warning !== undefined) {
      expect(o.warning).toMatch(
        /^SlashID refused this person's row \(.+\), presumably as it already exists: the earlier upload of this chunk, whose answer was lost, imported them, or they existed before \(or another import created them meanwhile\), and then SlashID holds that person with its own values, not necessarily this record's; SlashID's answer cannot tell which$/,
      );
    }
  }
}

describe.each(WORLDS)("SlashID (existing person: %s): a lost answer is replayed", (world) => {
  it.each(Object.entries(LOSSES))(
    "on the first upload (%s): every person imported once",
    async (_, lose) => {
      const slashid = simIn(world);
      const input = persons(`lost-once-${world}`, 9);
      onSecondFile(slashid, input, 1, lose);
      const report = await run(input);

      expectConverged(report, input, slashid.sim, world);
      expect(report.chunks).toEqual({ sent: 3, resumed: 0, replayed: 1 });
      expect(slashid.fileSizes()).toEqual([3, 3, 3, 3]);
      expect(updates(slashid)).toHaveLength(world === "update" ? 3 : 0);
    },
  );

  it("when the replay's answer is lost too: a second replay, still one person per key", async () => {
    const slashid = simIn(world);
    const input = persons(`lost-twice-${world}`, 9);
    const journal = journalFile("slashid");
    onSecondFile(slashid, input, 2, () => gatewayPage(502));
    const report = await run(input, { journal });

    expectConverged(report, input, slashid.sim, world);
    expect(report.chunks).toEqual({ sent: 3, resumed: 0, replayed: 2 });
    expect(secondUploads(slashid, input)).toHaveLength(3);
    if (world === "update") expect(updates(slashid)).toEqual([2, 2, 2]);

    // The journal keeps the converged outcomes, warnings included: a re-run sends nothing and says the same.
    const again = await run(input, { journal });
    expect(again.chunks).toEqual({ sent: 0, resumed: 3, replayed: 0 });
    expect(again.outcomes).toEqual(report.outcomes);
    expect(slashid.sim.uploads()).toHaveLength(5);
  });

  it("after a crash between the upload and the checkpoint: a re-run with the journal converges", async () => {
    const slashid = simIn(world);
    const input = persons(`crash-${world}`, 9);
    const journal = journalFile("slashid");
    const controller = new AbortController();
    // SlashID processed the second file; the process "dies" before its answer is journaled.
    onSecondFile(slashid, input, Infinity, abortingAfter(controller));
    const first = await run(input, { journal, signal: controller.signal });
    expect(first.aborted).toBe(true);
    expect(slashid.sim.stats().users).toBe(6);
    // The interrupted run cannot know what SlashID did: it says aborted, not refused.
    for (const index of LOST) {
      expect(first.outcomes[index]).toMatchObject({ outcome: "failed", code: "aborted" });
    }

    slashid.script = undefined;
    const second = await run(input, { journal });

    expectConverged(second, input, slashid.sim, world);
    expect(second.chunks).toEqual({ sent: 2, resumed: 1, replayed: 0 });
    expect(secondUploads(slashid, input)).toHaveLength(2);
  });

  it("when every answer is lost: the persons fail naming the attempts, and a re-run uploads the file again", async () => {
    const slashid = simIn(world);
    const input = persons(`lost-always-${world}`, 9);
    const journal = journalFile("slashid");
    onSecondFile(slashid, input, Infinity, () => gatewayPage(504));
    const first = await run(input, { journal, chunkAttempts: 3 });

    expect(first).toMatchObject({ total: 9, imported: 6, failed: 3 });
    expect(first.chunks).toEqual({ sent: 3, resumed: 0, replayed: 2 });
    expect(secondUploads(slashid, input)).toHaveLength(3);
    for (const index of LOST) {
      const o = first.outcomes[index]!;
      expect(o.outcome).toBe("failed");
      expect(o.outcome === "failed" && o.reason).toMatch(
        /: the vendor may hold this record; sent 3 times in this run \(replayed by resend\): a re-run with the same journal tries again$/,
      );
    }

    slashid.script = undefined;
    const second = await run(input, { journal });

    expectConverged(second, input, slashid.sim, world);
    expect(second.chunks).toEqual({ sent: 1, resumed: 2, replayed: 0 });
    expect(secondUploads(slashid, input)).toHaveLength(4);
  });
});
