// --journal: an import that was interrupted (the signal aborted part-way, or a chunk that failed) resumes
// when run again with the same journal: finished chunks are not sent again, the vendor ends with every user,
// and no user is imported twice.
import { interceptRoute } from "../support/intercept-route.js";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/run.js";
import {
  createFullStorySimulator,
  createPropellerSimulator,
  createUserpilotSimulator,
} from "../../src/testing/index.js";
import {
  CREDS,
  FAST_POLL,
  cli,
  fakeIo,
  fullStoryUsers,
  ndjson,
  propellerFlags,
  propellerUsers,
  requestsTo,
  steppingClock,
  useServedSimulators,
  useTempDir,
  userpilotUsers,
} from "./helpers.js";
import { readReportFile } from "../../src/cli/report-file.js";

const file = useTempDir();
const serve = useServedSimulators();

const resumedOf = (summary: string) => Number(/, (\d+) resumed, /.exec(summary)?.[1]);
const sentOf = (summary: string) =>
  Number(/\((\d+) chunks sent or followed up, /.exec(summary)?.[1]);

describe("import --journal: resume an interrupted import", () => {
  it("fullstory: aborted while its 3rd batch is sent; the re-run resumes, sends the rest, imports no one twice", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const users = fullStoryUsers(50, "j");
    const input = file("journal-fs.ndjson", ndjson(users));
    const journal = file("fs.journal");
    const first = fakeIo();
    // Abort as the 3rd batch reaches the vendor: the batch is created there, but the client never sees
    // the answer, so the re-run must send it again under the same Idempotency-Key.
    const { url } = await serve(
      interceptRoute(sim, "POST /v2/users/batch", (seen) => {
        if (seen === 3) first.controller.abort();
        return undefined;
      }),
    );
    const argv = [
      "import",
      "fullstory",
      input,
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      "--journal",
      journal,
      "--chunk-size",
      "10",
      "--concurrency",
      "1",
    ];

    const firstCode = await run(argv, first.io);

    expect(firstCode).toBe(1);
    expect(first.stdout.text).toContain("aborted: the run stopped before its end");
    expect(first.stdout.text).toMatch(/\[aborted\]/);
    expect(existsSync(journal)).toBe(true);
    const before = sim.users().length;
    expect(before).toBeGreaterThanOrEqual(20);
    expect(before).toBeLessThan(50);

    const reportFile = file("fs-resume-report.json");
    const second = await cli([...argv, "--report", reportFile]);

    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^fullstory: 50 records: 50 imported, 0 failed, 0 rejected/);
    // Chunk 0 at least was finished; chunk 1 may still have been reading its results when the 3rd batch
    // went out (the vendor was done with its job), and is then followed again by its saved job id.
    const resumed = resumedOf(second.stdout);
    expect(resumed).toBeGreaterThanOrEqual(1);
    expect(resumed + sentOf(second.stdout)).toBe(5);
    expect(
      sim
        .users()
        .map((u) => u.uid)
        .sort(),
    ).toEqual(users.map((u) => u.uid).sort());
    expect(sim.stats().duplicateWrites).toBe(0);
    for (const user of sim.users()) expect(user.writers).toHaveLength(1);
    // Five chunks of ten, one job each: the interrupted batch is sent again under its saved key (answered
    // from the idempotency store, or created if it never arrived), a chunk with a saved job id is not sent.
    expect(sim.stats().jobs).toBe(5);
    expect(requestsTo(sim, "POST /v2/users/batch")).toBe(6);
    const report = await readReportFile(reportFile);
    expect(report.chunks).toEqual({ sent: 5 - resumed, resumed, replayed: 0 });
    expect(report.outcomes.every((o) => o.outcome === "imported")).toBe(true);
  });

  it("a third run with the finished journal sends nothing and reports everything imported", async () => {
    const sim = createUserpilotSimulator(steppingClock());
    const { url } = await serve(sim);
    const input = file("journal-up.ndjson", ndjson(userpilotUsers(12, "jj")));
    const argv = [
      "import",
      "userpilot",
      input,
      ...FAST_POLL,
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      "--journal",
      file("up.journal"),
      "--chunk-size",
      "5",
    ];

    const firstRun = await cli(argv);
    expect(firstRun.code).toBe(0);
    const requests = sim.stats().requests;

    const again = await cli(argv);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /^userpilot: 12 records: 12 imported, 0 failed, 0 rejected \(0 chunks sent or followed up, 0 replayed, 3 resumed, /,
    );
    expect(sim.stats().requests).toEqual(requests);
    expect(sim.stats().duplicateWrites).toBe(0);
  });

  it("userpilot: aborted while polling its 2nd job; the re-run picks that job up instead of sending it again", async () => {
    const sim = createUserpilotSimulator(steppingClock());
    const first = fakeIo();
    // Each job ends by its first status poll (the stepping clock), so the 2nd poll is the 2nd job's.
    const { url } = await serve(
      interceptRoute(sim, "GET /v1/background_jobs/", (seen) => {
        if (seen === 2) first.controller.abort();
        return undefined;
      }),
    );
    const users = userpilotUsers(20, "ja");
    const argv = [
      "import",
      "userpilot",
      file("journal-up2.ndjson", ndjson(users)),
      ...FAST_POLL,
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      "--journal",
      file("up2.journal"),
      "--chunk-size",
      "5",
    ];

    const firstCode = await run(argv, first.io);
    expect(firstCode).toBe(1);
    expect(sim.stats().jobs).toBe(2);

    const second = await cli(argv);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^userpilot: 20 records: 20 imported, 0 failed, 0 rejected/);
    expect(resumedOf(second.stdout)).toBe(1);
    // Chunk 2's job was only polled, not sent: the summary's count of chunks sent must not claim it was.
    expect(second.stdout).toContain("(3 chunks sent or followed up, 0 replayed, 1 resumed, ");
    // Jobs 3 and 4 are new; job 2 was picked up by its saved id.
    expect(sim.stats().jobs).toBe(4);
    expect(requestsTo(sim, "POST /v1/users/bulk_identify")).toBe(4);
    expect(sim.users().map((u) => u.user_id)).toEqual(users.map((u) => u.user_id));
    expect(sim.stats().duplicateWrites).toBe(0);
  });

  it("propeller: a chunk answered 500 fails (exit 1); the re-run sends only that chunk and completes", async () => {
    const sim = createPropellerSimulator();
    // A second simulator whose every answer is a fault: its first is Propeller's own 500 body.
    const failing = createPropellerSimulator({ faults: { rate5xx: 1 }, tokenFaults: false });
    const { url } = await serve(
      interceptRoute(sim, "POST /v2/users/bulk/sourceId", (seen, request) =>
        seen === 2 ? failing.handle(request) : undefined,
      ),
    );
    const users = propellerUsers(40, "jp");
    const argv = [
      "import",
      "propeller",
      file("journal-pp.ndjson", ndjson(users)),
      ...propellerFlags(url, "--journal", file("pp.journal"), "--chunk-size", "10"),
      ...["--concurrency", "1"],
    ];

    // One send per chunk: the 500 is left to the re-run (within a run, it would be replayed).
    const firstRun = await cli([...argv, "--chunk-attempts", "1"]);
    expect(firstRun.code).toBe(1);
    expect(firstRun.stdout).toMatch(
      /^propeller: 40 records: 30 imported, 10 failed \(10 of them propeller may hold\), 0 rejected/,
    );
    expect(sim.users()).toHaveLength(30);

    const second = await cli(argv);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^propeller: 40 records: 40 imported, 0 failed, 0 rejected/);
    expect(resumedOf(second.stdout)).toBe(3);
    expect(sentOf(second.stdout)).toBe(1);
    expect(sim.users().map((u) => u.sourceId)).toHaveLength(40);
    expect(new Set(sim.users().map((u) => u.sourceId))).toEqual(
      new Set(users.map((u) => u.sourceId)),
    );
    expect(sim.stats().duplicateWrites).toBe(0);
  });

  it("a journal written for other input is refused, not silently mixed", async () => {
    const sim = createPropellerSimulator();
    const { url } = await serve(sim);
    const journal = file("mixed.journal");
    const base = propellerFlags(url, "--journal", journal);
    const firstRun = await cli([
      "import",
      "propeller",
      file("mixed-a.ndjson", ndjson(propellerUsers(3, "ma"))),
      ...base,
    ]);
    expect(firstRun.code).toBe(0);

    const other = await cli([
      "import",
      "propeller",
      file("mixed-b.ndjson", ndjson(propellerUsers(3, "mb"))),
      ...base,
    ]);
    // A usage error (2): the command line names the wrong journal; the vendor was never the problem.
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(`journal ${journal}: chunk 0 holds different records`);
    expect(sim.users().map((u) => u.sourceId)).toEqual(["ma-0", "ma-1", "ma-2"]);
  });

  it("a CSV saved again with its columns moved is refused, and the refusal says the fields' order counts", async () => {
    const sim = createPropellerSimulator();
    const { url } = await serve(sim);
    const journal = file("moved-columns.journal");
    const base = propellerFlags(url, "--journal", journal);
    const users = propellerUsers(3, "mc");
    const csv = (columns: readonly ("source" | "sourceId")[]) =>
      [columns.join(","), ...users.map((u) => columns.map((c) => u[c]).join(","))].join("\n");
    const first = file("moved-columns-a.csv", csv(["source", "sourceId"]));
    expect((await cli(["import", "propeller", first, ...base])).code).toBe(0);

    const moved = file("moved-columns-b.csv", csv(["sourceId", "source"]));
    const again = await cli(["import", "propeller", moved, ...base]);

    expect(again.code).toBe(2);
    expect(again.stderr).toContain(
      `journal ${journal}: chunk 0 holds different records than in the run that wrote it; ` +
        "resume with the same input (its records, and each record's fields, in the same order)",
    );
    expect(sim.stats().rewrites).toBe(0);
  });

  it("a journal that stops the run after it sent a chunk: exit 2, with the summary and report of that chunk", async () => {
    const sim = createPropellerSimulator();
    const { url } = await serve(sim);
    const journal = file("stopped-after-send.journal");
    const reportFile = file("stopped-after-send.report.json");
    // One chunk at a time: chunk 0 has settled when chunk 1 is found not to fit.
    const base = propellerFlags(
      url,
      "--chunk-size",
      "2",
      "--concurrency",
      "1",
      "--journal",
      journal,
    );
    const users = propellerUsers(4, "sa");
    expect(
      (await cli(["import", "propeller", file("sa.ndjson", ndjson(users)), ...base])).code,
    ).toBe(0);
    // Chunk 0's lines gone (as if the run had stopped with it in flight), and chunk 1's second user edited.
    const lines = readFileSync(journal, "utf8").split("\n");
    writeFileSync(journal, lines.filter((line) => !line.includes('"seq":0,')).join("\n"));
    const edited = users.map((u, i) => (i === 3 ? { ...u, sourceId: "sa-edited" } : u));

    const second = await cli([
      "import",
      "propeller",
      file("sa-edited.ndjson", ndjson(edited)),
      ...base,
      "--report",
      reportFile,
    ]);

    expect(second.code).toBe(2);
    expect(second.stdout).toMatch(
      /^propeller: 4 records: 2 imported, 2 failed \(2 of them propeller may hold\), 0 rejected/,
    );
    expect(second.stdout).not.toContain("to resume");
    expect(second.stderr).toContain(`journal ${journal}: chunk 1 holds different records`);
    const report = await readReportFile(reportFile);
    expect(report.outcomes.map((o) => o.outcome)).toEqual([
      "imported",
      "imported",
      "failed",
      "failed",
    ]);
    expect(sim.users().map((u) => u.sourceId)).not.toContain("sa-edited");
  });
});

describe("--journal with input cut short at its end", () => {
  it("a journal holding chunks past the input's last: exit 2 once every record is settled, and the report whole", async () => {
    const sim = createPropellerSimulator();
    const { url } = await serve(sim);
    const journal = file("cut-at-end.journal");
    const reportFile = file("cut-at-end.report.ndjson");
    const base = propellerFlags(url, "--chunk-size", "2", "--journal", journal);
    const users = propellerUsers(6, "ce");
    expect(
      (await cli(["import", "propeller", file("ce.ndjson", ndjson(users)), ...base])).code,
    ).toBe(0);

    const second = await cli([
      ...["import", "propeller", file("ce-cut.ndjson", ndjson(users.slice(0, 4)))],
      ...[...base, "--report", reportFile],
    ]);

    expect(second.code).toBe(2);
    expect(second.stdout).toMatch(/^propeller: 4 records: 4 imported, 0 failed, 0 rejected/);
    expect(second.stderr).toContain(
      `journal ${journal}: an earlier run with this journal sent chunk 2, past this input's last chunk, ` +
        "and propeller may hold records of it that this input does not hold",
    );
    const report = await readReportFile(reportFile);
    expect(report.outcomes.map((o) => o.outcome)).toEqual(Array(4).fill("imported"));
    expect(report).toMatchObject({ total: 4, imported: 4, aborted: false });
    expect(sim.users()).toHaveLength(6);
  });
});

describe("--journal named with a secret given, with input cut short at its end", () => {
  it("the journal's error after the run names it without the secret", async () => {
    const sim = createPropellerSimulator();
    const { url } = await serve(sim);
    const journal = file(`cut ${CREDS.clientSecret}.journal`);
    const base = propellerFlags(url, "--chunk-size", "2", "--journal", journal);
    const users = propellerUsers(4, "cs");
    expect(
      (await cli(["import", "propeller", file("cs.ndjson", ndjson(users)), ...base])).code,
    ).toBe(0);

    const second = await cli([
      ...["import", "propeller", file("cs-cut.ndjson", ndjson(users.slice(0, 2)))],
      ...base,
    ]);

    expect(second.code).toBe(2);
    expect(second.stderr).toContain(
      `journal ${file("cut [REDACTED].journal")}: an earlier run with this journal sent chunk 1`,
    );
    expect(second.all).not.toContain(CREDS.clientSecret);
  });
});

describe("--journal with an input file that breaks off", () => {
  it("the chunk the break cut short waits (exit 2), and a run with the repaired file resumes with every user once", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(sim);
    const users = fullStoryUsers(25, "cut");
    const whole = JSON.stringify(users);
    // Cut inside the 16th user: the array breaks off there.
    const input = file("cut.json", whole.slice(0, whole.indexOf(users[15]!.uid) + 3));
    const journal = file("cut.journal");
    const args = (from: string) => [
      "import",
      "fullstory",
      from,
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      ...FAST_POLL,
      "--chunk-size",
      "10",
      "--journal",
      journal,
    ];

    const cut = await cli(args(input));
    expect(cut.code).toBe(2);
    expect(sim.users()).toHaveLength(10);

    const resumed = await cli(args(file("whole.json", whole)));
    expect(resumed.stderr).not.toContain("bulk-user-import:");
    expect(resumed.code).toBe(0);
    expect(resumedOf(resumed.stdout)).toBe(1);
    expect(sim.users()).toHaveLength(25);
    expect(requestsTo(sim, "POST /v2/users/batch")).toBe(3);
  });
});
