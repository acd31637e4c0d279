// An import stopped by the vendor's refusal of its credentials part-way (a key revoked mid-run) ends short,
// as one stopped by Ctrl-C does: the summary says how the rest is sent. With --journal, the command run
// again with the credential fixed resumes (a new key of a vendor whose journal names the key, with
// --journal-account-was); without one, a re-run sends every record again, which SlashID answers for the
// persons it holds already with "person already exists", failed.
import { describe, expect, it } from "vitest";
import { readReportFile } from "../../src/cli/report-file.js";
import { createFullStorySimulator, createSlashIdSimulator } from "../../src/testing/index.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { interceptRoute } from "../support/intercept-route.js";
import {
  FAST_POLL,
  cli,
  fullStoryUsers,
  ndjson,
  slashIdPersons,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-credential-stop-");
const serve = useServedSimulators();
const OLD_KEY = "slashid-key-revoked";
const NEW_KEY = "slashid-key-issued";
let runs = 0;

/** A SlashID simulator whose key is revoked (another issued) as the 2nd upload arrives: that one gets 401. */
async function revokedMidRun() {
  const sim = createSlashIdSimulator({ apiKey: OLD_KEY });
  const { url } = await serve(
    interceptRoute(sim, "POST /persons/bulk-import", (seen) => {
      if (seen === 2) sim.rotateKey(NEW_KEY);
    }),
  );
  const persons = slashIdPersons(30, "rv");
  const input = file(`persons-${++runs}.ndjson`, ndjson(persons));
  const argv = (key: string, ...more: string[]) => [
    ...["import", "slashid", input, "--base-url", url, "--org-id", "sim-org", "--api-key", key],
    ...["--chunk-size", "10", ...more],
  ];
  return { sim, persons, argv };
}

describe("the summary of an import stopped part-way by a credential refusal", () => {
  it("with --journal: says a re-run with it resumes, and the re-run with the new key imports the rest once", async () => {
    const { sim, persons, argv } = await revokedMidRun();
    const journal = file("revoked.journal");
    const first = await cli(argv(OLD_KEY, "--journal", journal));

    expect(first.code).toBe(3);
    expect(first.stdout).toMatch(/^slashid: 30 records: 10 imported, 20 failed, 0 rejected/);
    expect(first.stdout).toContain(
      `  once that is fixed, run the command again with --journal ${journal}: it keeps what was settled; ` +
        "a new credential may need --journal-account-was (the journal's refusal names the account)\n",
    );

    const reportFile = file("revoked-resumed.ndjson");
    const second = await cli(argv(NEW_KEY, "--journal", journal, "--report", reportFile));

    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^slashid: 30 records: 30 imported, 0 failed, 0 rejected/);
    const report = await readReportFile(reportFile);
    expectEveryRecordOnce(report, 30);
    expect(report.imported).toBe(30);
    // Each person once, written by one upload: none sent again, so none refused as already existing.
    const emails = sim.persons().flatMap((p) => p.emails);
    expect(emails.sort()).toEqual(persons.flatMap((p) => p.emails).sort());
    expect(sim.stats().rewrites).toBe(0);
    expect(sim.stats().alreadyExisting).toBe(0);
  });

  // FullStory's journal names its account by the key: the same command with the new key alone is refused
  // (exit 2), so the line names the statement that resumes it, which the refusal gives.
  it("with --journal, for a vendor whose journal names the key: names --journal-account-was, which resumes it", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0, apiKey: "fullstory-key-revoked" });
    const { url } = await serve(
      interceptRoute(sim, "POST /v2/users/batch", (seen) => {
        if (seen === 2) sim.rotateKey("fullstory-key-issued");
      }),
    );
    const input = file("fullstory-users.ndjson", ndjson(fullStoryUsers(20, "rv")));
    const journal = file("fullstory-revoked.journal");
    const argv = (key: string, ...more: string[]) => [
      ...["import", "fullstory", input, "--base-url", url, "--api-key", key, ...FAST_POLL],
      ...["--chunk-size", "5", "--concurrency", "1", "--journal", journal, ...more],
    ];
    const first = await cli(argv("fullstory-key-revoked"));

    expect(first.code).toBe(3);
    expect(first.stdout).toMatch(/^fullstory: 20 records: 5 imported, 15 failed, 0 rejected/);
    expect(first.stdout).toContain(
      `  once that is fixed, run the command again with --journal ${journal}: it keeps what was settled; ` +
        "a new credential may need --journal-account-was (the journal's refusal names the account)\n",
    );

    const newKeyOnly = await cli(argv("fullstory-key-issued"));
    expect(newKeyOnly.code).toBe(2);
    const account = /re-run with --journal-account-was (key:\w+)/.exec(newKeyOnly.stderr)?.[1];
    expect(account).toBeDefined();

    const resumed = await cli(argv("fullstory-key-issued", "--journal-account-was", account!));
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/^fullstory: 20 records: 20 imported, 0 failed, 0 rejected/);
    expect(sim.stats().users).toBe(20);
  });

  it("without --journal: says a re-run sends every record again", async () => {
    const { argv } = await revokedMidRun();
    const first = await cli(argv(OLD_KEY));

    expect(first.code).toBe(3);
    expect(first.stdout).toContain(
      "  no --journal: a re-run sends every record again; pass --journal to make a run resumable\n",
    );
  });
});
