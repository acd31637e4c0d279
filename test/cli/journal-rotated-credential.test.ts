// A credential rotated between a journaled run and its re-run (a key revoked after a leak, a new Propeller
// client): where the journal's destination names the account by the credential (a fingerprint of a FullStory
// or Userpilot key, a Propeller client id), the re-run is refused unless the operator states that the new
// credential belongs to the account the journal names (--journal-account-was); where it names the account
// by something the rotation keeps (SlashID's org id, Propeller's client id when only the secret changed), the
// re-run resumes as it is. Either way the report holds every record once, with true outcomes, the vendor no
// user twice, and no output or file any secret.
import { interceptRoute } from "../support/intercept-route.js";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readReportFile } from "../../src/cli/report-file.js";
import { run } from "../../src/cli/run.js";
import { expectNoSecret } from "../hostile/leaks.js";
import { expectEveryRecordOnce, outcomesWith } from "../support/report.js";
import {
  cli,
  fakeIo,
  ndjson,
  requestsTo,
  totalRequests,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";
import { ROTATIONS, type RotationProfile } from "./rotation-scenarios.js";

const file = useTempDir("bui-rotation-");
const serve = useServedSimulators();

const RECORDS = 15;
const CREDS_KEY = ROTATIONS[0]!.secrets[0]!;
const CHUNK = "5";
/** The records of the chunk that was out when the first run stopped: its second, of CHUNK records. */
const OUT_CHUNK = [5, 6, 7, 8, 9];

/**
 * The first run of `profile`: its second chunk reaches the vendor and is written there, then the run is
 * aborted before the answer is read, and the credential is rotated at the vendor.
 */
async function firstRunThenRotate(profile: RotationProfile, tag: string) {
  const { sim, rotate, users } = profile.create();
  const first = fakeIo();
  // The later runs' requests, while set: an answer it gives replaces the simulator's.
  let later: ((request: Request) => Promise<Response | undefined>) | undefined;
  const journal = file(`${tag}.journal`);
  // The second chunk is written at the vendor first; the run stops before it reads the answer.
  const firstStopped = interceptRoute(sim, profile.route, async (seen, request) => {
    if (seen !== 2) return undefined;
    await firstChunkJournaled(journal);
    const answer = await sim.handle(request);
    first.controller.abort();
    rotate();
    return answer;
  });
  const { url } = await serve(interceptRoute(firstStopped, "", (_, request) => later?.(request)));
  const input = file(`${tag}.ndjson`, ndjson(profile.records(RECORDS, tag)));
  /** The command, with the first credential (false), the rotated one (true), or that one mistyped. */
  const argv = (credential: boolean | "mistyped", ...more: string[]) => [
    ...["import", profile.vendor, input, "--base-url", url],
    ...(credential === "mistyped" ? (profile.mistyped ?? []) : profile.flags(credential)),
    ...["--journal", journal, "--chunk-size", CHUNK, "--concurrency", "1", ...more],
  ];
  const code = await run(argv(false), first.io);
  const intercept = (hook: typeof later) => {
    later = hook;
  };
  return { sim, users, journal, argv, intercept, first: { code, all: first.all() } };
}

/**
 * Until the journal holds the first chunk's outcomes. FullStory's next create may go out while the first
 * chunk's job results are still being read; stopping the run then would leave both chunks out.
 */
async function firstChunkJournaled(journal: string): Promise<void> {
  const settled = (line: string) => line.startsWith('{"kind":"done","seq":0,');
  while (!(existsSync(journal) && readFileSync(journal, "utf8").split("\n").some(settled)))
    await new Promise((resolve) => setTimeout(resolve, 5));
}

let runs = 0;

describe("a journaled import re-run after its credential was rotated, without a statement", () => {
  for (const profile of ROTATIONS) {
    const today = profile.accountChanges ? "refused (exit 2)" : "resumes";
    it(`${profile.name}: ${today}`, async () => {
      const tag = `plain-${++runs}`;
      const { sim, users, journal, argv, first } = await firstRunThenRotate(profile, tag);
      expect(first.code).toBe(1);
      const journaled = readFileSync(journal, "utf8");
      const reportFile = file(`${tag}-report.ndjson`);

      const again = await cli(argv(true, "--report", reportFile));

      if (profile.accountChanges) {
        expect(again.code).toBe(2);
        expect(again.stderr).toContain(`journal ${journal} was written by an import to `);
        expect(readFileSync(journal, "utf8")).toBe(journaled);
      } else {
        expect(again.code).toBe(0);
        const report = await readReportFile(reportFile);
        expectEveryRecordOnce(report, RECORDS);
        expect(report.imported).toBe(RECORDS);
        expect([...users()].sort()).toEqual([...new Set(users())].sort());
        expect(users()).toHaveLength(RECORDS);
        expect(sim.stats().duplicates).toBe(0);
      }
      for (const text of [first.all, again.all, readFileSync(journal, "utf8")])
        expectNoSecret(text, profile.secrets);
    });
  }
});

describe("a journaled Userpilot import re-run with its key unchanged", () => {
  it("finds the job of the chunk whose answer was lost, follows it, and writes no user twice", async () => {
    const userpilot = ROTATIONS.find((p) => p.name === "userpilot: API key")!;
    const unchanged: RotationProfile = {
      ...userpilot,
      create: () => ({ ...userpilot.create(), rotate: () => undefined }),
    };
    const tag = `unchanged-${++runs}`;
    const { sim, users, argv, first } = await firstRunThenRotate(unchanged, tag);
    expect(first.code).toBe(1);
    const reportFile = file(`${tag}-report.ndjson`);

    const again = await cli(argv(false, "--report", reportFile));

    expect(again.code).toBe(0);
    const report = await readReportFile(reportFile);
    expectEveryRecordOnce(report, RECORDS);
    expect(report.imported).toBe(RECORDS);
    // Three chunks, three jobs: the second chunk's was found in the list, not made again.
    expect(requestsTo(sim, userpilot.route)).toBe(3);
    expect(sim.stats().duplicates).toBe(0);
    expect(new Set(users()).size).toBe(RECORDS);
    const taken = outcomesWith(report, "imported").filter((o) => o.warning !== undefined);
    expect(taken.map((o) => o.index)).toEqual(OUT_CHUNK);
    for (const outcome of taken)
      expect(outcome.warning).toContain("was taken for this user's request");
  });
});

/** The account a refusal tells the operator to state, as it shows it. */
const statedIn = (stderr: string) => /re-run with --journal-account-was (\S+) \(/.exec(stderr)?.[1];

const ROTATION_WORDS = "under a credential since rotated";

describe("a journaled import re-run after its credential was rotated, with --journal-account-was", () => {
  for (const profile of ROTATIONS.filter((p) => p.accountChanges)) {
    it(`${profile.name}: the refusal names the account; stated, the run resumes; later runs need no statement`, async () => {
      const tag = `stated-${++runs}`;
      const { sim, users, journal, argv, first } = await firstRunThenRotate(profile, tag);
      expect(first.code).toBe(1);

      const refused = await cli(argv(true));
      expect(refused.code).toBe(2);
      const account = statedIn(refused.stderr);
      expect(account).toMatch(/^(?:key|client):\S+$/);

      const reportFile = file(`${tag}-report.ndjson`);
      const resumed = await cli(
        argv(true, "--journal-account-was", account!, "--report", reportFile),
      );
      expect(resumed.stderr).not.toContain("bulk-user-import:");
      expect(resumed.code).toBe(0);
      const report = await readReportFile(reportFile);
      expectEveryRecordOnce(report, RECORDS);
      expect(report.imported).toBe(RECORDS);
      expect(report.chunks.resumed).toBeGreaterThanOrEqual(1);
      // The chunk that was out (the second, records 5 to 9): sent again under the new key by a replay that
      // rests on what the vendor kept of the old key's send, its records, and only they, say what the vendor
      // may have done twice; followed up on (its job found) or upserted, they say nothing of the rotation.
      const rotationWarned = outcomesWith(report, "imported").filter((o) =>
        o.warning?.includes(ROTATION_WORDS),
      );
      expect(rotationWarned.map((o) => o.index)).toEqual(profile.resent ? OUT_CHUNK : []);
      for (const outcome of rotationWarned)
        expect(outcome.warning).toContain("may have written this record twice");
      expect(users()).toHaveLength(RECORDS);
      expect(new Set(users()).size).toBe(RECORDS);
      // Userpilot makes a job of each request: one not found in the list (Userpilot's clock a month behind)
      // is sent in a second job, a second write of the same users, which is what their warning says.
      const resentInJob = profile.vendor === "userpilot" && profile.resent;
      expect(sim.stats().duplicates).toBe(resentInJob ? 1 : 0);

      const later = await cli(argv(true));
      expect(later.code).toBe(0);
      expect(later.stdout).toMatch(/\(0 chunks sent or followed up, 0 replayed, 3 resumed, /);
      const old = await cli(argv(false));
      expect(old.code).toBe(2);
      expect(old.stderr).toContain(`journal ${journal} was written by an import to `);

      const reportText = readFileSync(reportFile, "utf8");
      for (const text of [first.all, refused.all, resumed.all, later.all, old.all, reportText])
        expectNoSecret(text, profile.secrets);
      expectNoSecret(readFileSync(journal, "utf8"), profile.secrets);
    });
  }
});

describe("--journal-account-was that the journal does not bear out: refused (exit 2), nothing sent or written", () => {
  const fullStory = ROTATIONS[0]!;

  /** A FullStory journal stopped with a chunk out and the key rotated since, and the account it names. */
  async function rotated(tag: string) {
    const setup = await firstRunThenRotate(fullStory, tag);
    const account = statedIn((await cli(setup.argv(true))).stderr)!;
    return { ...setup, account, journaled: readFileSync(setup.journal, "utf8") };
  }

  it("another account named, or the old key itself by mistake: refused without repeating it", async () => {
    const { sim, journal, argv, account, journaled } = await rotated(`wrong-${++runs}`);
    const sent = totalRequests(sim);
    for (const stated of ["key:000000000000", `${account}0`, CREDS_KEY]) {
      const result = await cli(argv(true, "--journal-account-was", stated));
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `journal ${journal} names the account ${account}, not the one`,
      );
      expect(result.all).not.toContain(stated);
    }
    expect(readFileSync(journal, "utf8")).toBe(journaled);
    expect(totalRequests(sim)).toBe(sent);
  });

  it("another base URL (the same vendor served elsewhere): refused, the statement speaks for the account only", async () => {
    const { sim, journal, argv, account, journaled } = await rotated(`base-${++runs}`);
    const { url: elsewhere } = await serve(sim);
    const sent = totalRequests(sim);
    const moved = argv(true, "--journal-account-was", account).map((arg, i, all) =>
      all[i - 1] === "--base-url" ? elsewhere : arg,
    );

    const result = await cli(moved);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "speaks for the account only: the base URL must be the journal's",
    );
    expect(readFileSync(journal, "utf8")).toBe(journaled);
    expect(totalRequests(sim)).toBe(sent);
  });

  it("without --journal, or blank: a usage error before anything is read", async () => {
    const input = file("no-journal.ndjson", ndjson(fullStory.records(3, "nj")));
    const flags = ["--base-url", "http://127.0.0.1:9", ...fullStory.flags(true)];
    const alone = await cli([
      "import",
      "fullstory",
      input,
      ...flags,
      "--journal-account-was",
      "key:1",
    ]);
    const blank = await cli([
      ...["import", "fullstory", input, ...flags],
      ...["--journal", file("blank.journal"), "--journal-account-was", " "],
    ]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain("--journal-account-was is given without --journal");
    expect(blank.code).toBe(2);
    expect(blank.stderr).toContain("--journal-account-was was given blank");
  });

  it("with a journal that does not exist yet: refused, the file not created, nothing sent", async () => {
    const { sim } = fullStory.create();
    const { url } = await serve(sim);
    const input = file("fresh.ndjson", ndjson(fullStory.records(3, "fresh")));
    const journal = file(`fresh-${++runs}.journal`);

    const result = await cli([
      ...["import", "fullstory", input, "--base-url", url, ...fullStory.flags(false)],
      ...["--journal", journal, "--journal-account-was", "key:0123456789ab"],
    ]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`journal ${journal} holds no import yet`);
    expect(existsSync(journal)).toBe(false);
    expect(totalRequests(sim)).toBe(0);
  });

  it("stated again once the journal names the new account: the same statement resumes, another is refused", async () => {
    const { journal, argv, account } = await rotated(`again-${++runs}`);
    expect((await cli(argv(true, "--journal-account-was", account))).code).toBe(0);
    const journaled = readFileSync(journal, "utf8");

    const same = await cli(argv(true, "--journal-account-was", account));
    const other = await cli(argv(true, "--journal-account-was", "key:0123456789ab"));

    expect(same.code).toBe(0);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(`journal ${journal} names this run's destination already`);
    expect(readFileSync(journal, "utf8")).toBe(journaled);
  });
});

/** Whether the journal names an account of its own (an account line), as a resumed rotation writes one. */
const namesAnAccount = (journal: string) =>
  readFileSync(journal, "utf8").includes('"kind":"account"');

/**
 * A re-run stating `account` that resumes the import whole, as the stated one above does: every record once,
 * the chunk that was out when the key changed (and only it) warned of where it was sent again.
 */
async function expectResumedWhole(
  setup: Awaited<ReturnType<typeof firstRunThenRotate>>,
  profile: RotationProfile,
  account: string,
  tag: string,
) {
  const reportFile = file(`${tag}-report.ndjson`);
  const resumed = await cli(
    setup.argv(true, "--journal-account-was", account, "--report", reportFile),
  );
  expect(resumed.stderr).not.toContain("bulk-user-import:");
  expect(resumed.code).toBe(0);
  const report = await readReportFile(reportFile);
  expectEveryRecordOnce(report, RECORDS);
  expect(report.imported).toBe(RECORDS);
  const rotationWarned = outcomesWith(report, "imported").filter((o) =>
    o.warning?.includes(ROTATION_WORDS),
  );
  expect(rotationWarned.map((o) => o.index)).toEqual(profile.resent ? OUT_CHUNK : []);
  expect(setup.users()).toHaveLength(RECORDS);
  expect(new Set(setup.users()).size).toBe(RECORDS);
  const resentInJob = profile.vendor === "userpilot" && profile.resent;
  expect(setup.sim.stats().duplicates).toBe(resentInJob ? 1 : 0);
  expect(namesAnAccount(setup.journal)).toBe(true);
  // Later runs need no statement; the old credential is refused.
  expect((await cli(setup.argv(true))).code).toBe(0);
  expect((await cli(setup.argv(false))).code).toBe(2);
  return { all: resumed.all, report: readFileSync(reportFile, "utf8") };
}

describe("--journal-account-was with the new credential mistyped: the vendor refuses it (401)", () => {
  for (const profile of ROTATIONS.filter((p) => p.mistyped !== undefined)) {
    it(`${profile.name}: the journal still names the old account, which the right credential then states`, async () => {
      const tag = `mistyped-${++runs}`;
      const setup = await firstRunThenRotate(profile, tag);
      const account = statedIn((await cli(setup.argv(true))).stderr)!;
      const journaled = readFileSync(setup.journal, "utf8");

      const mistyped = await cli(setup.argv("mistyped", "--journal-account-was", account));

      expect(mistyped.code).toBe(3);
      expect(mistyped.all).toContain("HTTP 401");
      // The mistyped credential's account is not recorded: the right one is refused as before, naming the
      // journal's account, not the mistyped one's.
      expect(namesAnAccount(setup.journal)).toBe(false);
      expect(readFileSync(setup.journal, "utf8").startsWith(journaled)).toBe(true);
      const refused = await cli(setup.argv(true));
      expect(refused.code).toBe(2);
      expect(statedIn(refused.stderr)).toBe(account);
      const resumed = await expectResumedWhole(setup, profile, account, tag);
      for (const text of [setup.first.all, mistyped.all, refused.all, resumed.all, resumed.report])
        expectNoSecret(text, profile.secrets);
      expectNoSecret(readFileSync(setup.journal, "utf8"), profile.secrets);
    });
  }
});

describe("--journal-account-was, the run killed at its first request (the vendor answered, the run never read it)", () => {
  for (const profile of ROTATIONS.filter((p) => p.accountChanges)) {
    it(`${profile.name}: the journal still names the old account; the statement made again resumes it`, async () => {
      const tag = `killed-${++runs}`;
      const setup = await firstRunThenRotate(profile, tag);
      const account = statedIn((await cli(setup.argv(true))).stderr)!;
      const killed = fakeIo();
      setup.intercept(async (request) => {
        // The vendor does what the request asks (a write, a token issued), and the run dies before the
        // answer reaches it: what the next run finds is a journal that never saw the vendor accept the key.
        const answer = await setup.sim.handle(request);
        killed.controller.abort();
        setup.intercept(undefined);
        return answer;
      });

      const code = await run(setup.argv(true, "--journal-account-was", account), killed.io);

      expect(code).toBe(1);
      expect(namesAnAccount(setup.journal)).toBe(false);
      const refused = await cli(setup.argv(true));
      expect(refused.code).toBe(2);
      expect(statedIn(refused.stderr)).toBe(account);
      const resumed = await expectResumedWhole(setup, profile, account, tag);
      for (const text of [killed.all(), refused.all, resumed.all, resumed.report])
        expectNoSecret(text, profile.secrets);
      expectNoSecret(readFileSync(setup.journal, "utf8"), profile.secrets);
    });
  }
});
