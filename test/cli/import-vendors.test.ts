// `bulk-user-import import <vendor> <file>` against each vendor's simulator served on 127.0.0.1: credentials
// from flags and from the environment, the summary, the report file, exit codes 0/1/3, progress output, and
// that a credential never shows up in anything the command writes.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/run.js";
import {
  createFullStorySimulator,
  createPropellerSimulator,
  createSlashIdSimulator,
  createUserpilotSimulator,
} from "../../src/testing/index.js";
import { expectEveryRecordOnce, outcomesWith } from "../support/report.js";
import {
  CREDS,
  FAST_POLL,
  cli,
  fakeIo,
  fullStoryUsers,
  ndjson,
  propellerUsers,
  slashIdPersons,
  steppingClock,
  useServedSimulators,
  useTempDir,
  userpilotUsers,
} from "./helpers.js";
import { readReportFile } from "../../src/cli/report-file.js";

const file = useTempDir();
const serve = useServedSimulators();

const SUMMARY = (vendor: string, n: number) =>
  new RegExp(
    `^${vendor}: ${n} records: ${n} imported, 0 failed, 0 rejected \\(\\d+ chunks sent or followed up, 0 replayed, 0 resumed, `,
  );

describe("import <vendor> <file> into a simulator", () => {
  it("fullstory, credentials by flag: exit 0, the summary on stdout, every user stored", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(sim);
    const users = fullStoryUsers(25);
    const input = file("fullstory.ndjson", ndjson(users));

    const result = await cli([
      "import",
      "fullstory",
      input,
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      "--chunk-size",
      "10",
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(SUMMARY("fullstory", 25));
    expect(result.stdout).toContain("(3 chunks sent or followed up, 0 replayed, 0 resumed");
    const stored = sim.users();
    expect(stored.map((u) => u.uid).sort()).toEqual(users.map((u) => u.uid).sort());
    expect(stored.find((u) => u.uid === "fs-3")).toMatchObject({
      email: "fs.3@example.com",
      display_name: "User 3",
      properties: { plan: "free", seats: 3 },
    });
    expect(sim.stats().duplicateWrites).toBe(0);
  });

  it("slashid, credentials from the environment: exit 0 and every person stored", async () => {
    const sim = createSlashIdSimulator();
    const { url } = await serve(sim);
    const persons = slashIdPersons(12);

    const result = await cli(
      ["import", "slashid", file("slashid.ndjson", ndjson(persons)), "--base-url", url],
      { env: { SLASHID_API_KEY: CREDS.apiKey, SLASHID_ORG_ID: CREDS.orgId } },
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(SUMMARY("slashid", 12));
    expect(sim.persons().map((p) => p.key)).toEqual(persons.map((p) => p.emails[0]));
    expect(sim.persons()[0]).toMatchObject({ region: "europe-belgium" });
  });

  it("propeller, client id by flag and secret from the environment: exit 0 and every user stored", async () => {
    const sim = createPropellerSimulator();
    const { url } = await serve(sim);
    const users = propellerUsers(30);

    const result = await cli(
      [
        "import",
        "propeller",
        file("propeller.jsonl", ndjson(users)),
        "--base-url",
        url,
        "--client-id",
        CREDS.clientId,
      ],
      { env: { PROPELLER_CLIENT_SECRET: CREDS.clientSecret } },
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(SUMMARY("propeller", 30));
    expect(sim.users().map((u) => `${u.source}:${u.sourceId}`)).toEqual(
      users.map((u) => `crm:${u.sourceId}`),
    );
    expect(sim.users()[0]?.fields).toMatchObject({ email: "pp.0@example.com", firstName: "Ada" });
  });

  it("userpilot, a flag wins over the environment: exit 0 and every user stored", async () => {
    const sim = createUserpilotSimulator(steppingClock());
    const { url } = await serve(sim);
    const users = userpilotUsers(15);

    const result = await cli(
      [
        "import",
        "userpilot",
        file("userpilot.ndjson", ndjson(users)),
        ...FAST_POLL,
        "--base-url",
        url,
        "--api-key",
        CREDS.apiKey,
      ],
      { env: { USERPILOT_API_KEY: "not-the-key" } },
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(SUMMARY("userpilot", 15));
    expect(sim.users().map((u) => u.user_id)).toEqual(users.map((u) => u.user_id));
    expect(sim.users()[2]?.metadata).toEqual({ plan: "pro", seats: 2 });
  });
});

describe("--report <file.json>", () => {
  it("writes the ImportReport: total = imported + failed + rejected, one outcome per record", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0, faults: { rejectRate: 0.3 } });
    const { url } = await serve(sim);
    const users: unknown[] = fullStoryUsers(20);
    users.splice(5, 0, { uid: "bad-props", properties: { "not a name": 1 } });
    const reportFile = file("report.json");

    const result = await cli([
      "import",
      "fullstory",
      file("report-input.ndjson", ndjson(users)),
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      "--report",
      reportFile,
    ]);

    expect(result.code).toBe(1);
    const report = await readReportFile(reportFile);
    expect(report.vendor).toBe("fullstory");
    expectEveryRecordOnce(report, 21);
    expect(report.rejected).toBe(1);
    expect(report.failed).toBe(sim.stats().rejected);
    expect(report.failed).toBeGreaterThan(0);
    expect(report.imported).toBe(sim.users().length);
    expect(report.outcomes[5]).toMatchObject({
      key: "bad-props",
      outcome: "rejected",
      rule: "fullstory.property_name",
    });
    expect(outcomesWith(report, "failed").every((o) => o.code === "simulated_rejection")).toBe(
      true,
    );
    // The summary names the counts and the problems.
    expect(result.stdout).toContain(
      `fullstory: 21 records: ${report.imported} imported, ${report.failed} failed, 1 rejected`,
    );
    expect(result.stdout).toContain("rejected [fullstory.property_name] record 5 (bad-props): ");
    expect(result.stdout).toMatch(/failed {3}#\d+ fs-\d+: \[simulated_rejection\]/);
  });
});

describe("exit 1 when the vendor refuses some records (rejectRate)", () => {
  const cases = [
    {
      vendor: "slashid",
      sim: () => createSlashIdSimulator({ faults: { rejectRate: 0.3 } }),
      records: slashIdPersons(20),
      flags: ["--api-key", CREDS.apiKey, "--org-id", CREDS.orgId],
    },
    {
      vendor: "propeller",
      sim: () => createPropellerSimulator({ faults: { rejectRate: 0.3 } }),
      records: propellerUsers(20),
      flags: ["--client-id", CREDS.clientId, "--client-secret", CREDS.clientSecret],
    },
    {
      vendor: "userpilot",
      sim: () => createUserpilotSimulator({ ...steppingClock(), faults: { rejectRate: 0.5 } }),
      records: userpilotUsers(20),
      flags: ["--api-key", CREDS.apiKey, ...FAST_POLL],
    },
  ] as const;
  for (const c of cases) {
    it(`${c.vendor}: exit 1, the failures listed, the rest stored`, async () => {
      const sim = c.sim();
      const { url } = await serve(sim);
      const reportFile = file(`${c.vendor}-reject-report.json`);

      const result = await cli([
        "import",
        c.vendor,
        file(`${c.vendor}-reject.ndjson`, ndjson(c.records)),
        "--base-url",
        url,
        "--chunk-size",
        "5",
        "--report",
        reportFile,
        ...c.flags,
      ]);

      expect(result.code).toBe(1);
      const report = await readReportFile(reportFile);
      expect(report.failed).toBeGreaterThan(0);
      expect(report.imported).toBeGreaterThan(0);
      expect(report.imported + report.failed).toBe(20);
      expect(sim.stats().users).toBe(report.imported);
      expect(result.stdout).toMatch(/^ {2}failed {3}#\d+ /m);
    });
  }
});

describe("exit 3 when credentials are refused, and no credential in any output", () => {
  const WRONG = "wrong-key-Zx81Qv";
  const cases = [
    {
      vendor: "fullstory",
      sim: () => createFullStorySimulator(),
      records: fullStoryUsers(3),
      flags: ["--api-key", WRONG],
      env: {},
    },
    {
      vendor: "slashid",
      sim: () => createSlashIdSimulator(),
      records: slashIdPersons(3),
      flags: ["--org-id", CREDS.orgId],
      env: { SLASHID_API_KEY: WRONG },
    },
    {
      vendor: "propeller",
      sim: () => createPropellerSimulator(),
      records: propellerUsers(3),
      flags: ["--client-id", CREDS.clientId, "--client-secret", WRONG],
      env: {},
    },
    {
      vendor: "userpilot",
      sim: () => createUserpilotSimulator(),
      records: userpilotUsers(3),
      flags: [],
      env: { USERPILOT_API_KEY: WRONG },
    },
  ] as const;
  for (const c of cases) {
    it(`${c.vendor}: fatal 401, every record failed, the key nowhere`, async () => {
      const sim = c.sim();
      const { url } = await serve(sim);
      const reportFile = file(`${c.vendor}-fatal-report.json`);

      const result = await cli(
        [
          "import",
          c.vendor,
          file(`${c.vendor}-fatal.ndjson`, ndjson(c.records)),
          "--base-url",
          url,
          "--report",
          reportFile,
          ...c.flags,
        ],
        { env: c.env },
      );

      expect(result.code).toBe(3);
      expect(result.stdout).toMatch(/^ {2}stopped: .*401/m);
      const reportText = readFileSync(reportFile, "utf8");
      const report = await readReportFile(reportFile);
      expect(report.fatal).toMatch(/401/);
      expect(report.failed).toBe(3);
      expect(report.outcomes.every((o) => o.outcome === "failed" && o.code === "fatal")).toBe(true);
      expect(sim.stats().users).toBe(0);
      expect(result.all).not.toContain(WRONG);
      expect(reportText).not.toContain(WRONG);
    });
  }

  it("a mistyped credential flag is refused without echoing its value", async () => {
    const result = await cli([
      "import",
      "fullstory",
      file("typo.ndjson", ndjson(fullStoryUsers(1))),
      `--apikey=${WRONG}`,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--apikey");
    expect(result.all).not.toContain(WRONG);
  });

  it("a successful import prints no credential either", async () => {
    const sim = createPropellerSimulator();
    const { url } = await serve(sim);
    const reportFile = file("propeller-ok-report.json");
    const result = await cli(
      [
        "import",
        "propeller",
        file("propeller-ok.ndjson", ndjson(propellerUsers(3))),
        "--base-url",
        url,
        "--report",
        reportFile,
      ],
      { env: { PROPELLER_CLIENT_ID: CREDS.clientId, PROPELLER_CLIENT_SECRET: CREDS.clientSecret } },
    );
    expect(result.code).toBe(0);
    const texts = [result.all, readFileSync(reportFile, "utf8")];
    for (const text of texts) expect(text).not.toContain(CREDS.clientSecret);
    // The access token the simulator issued is a credential too.
    const tokens = sim.tokensIssued().map((t) => t.token);
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) for (const text of texts) expect(text).not.toContain(token);
  });
});

describe("progress on stderr", () => {
  it("without a terminal: plain `<vendor> import: N/M confirmed …` lines", async () => {
    const sim = createPropellerSimulator();
    const { url } = await serve(sim);
    const result = await cli(
      [
        "import",
        "propeller",
        file("progress.ndjson", ndjson(propellerUsers(7))),
        "--base-url",
        url,
      ],
      { env: { PROPELLER_CLIENT_ID: CREDS.clientId, PROPELLER_CLIENT_SECRET: CREDS.clientSecret } },
    );
    expect(result.code).toBe(0);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    // `~N` while the file is still being read: an estimate from the share read.
    for (const line of lines) expect(line).toMatch(/^propeller import: \d+\/~?\d+ confirmed \(/);
    expect(lines.at(-1)).toMatch(
      /^propeller import: 7\/7 confirmed \(7 imported, 0 failed, 0 rejected\), \d+\/s$/,
    );
    expect(result.stderr).not.toContain("\r");
    expect(result.stderr).not.toContain("\u001b");
  });

  it("on a terminal: a redrawn `\\r[###---]` bar, ended by a newline", async () => {
    const sim = createUserpilotSimulator(steppingClock());
    const { url } = await serve(sim);
    const fake = fakeIo({ tty: true, env: { USERPILOT_API_KEY: CREDS.apiKey } });

    const code = await run(
      [
        "import",
        "userpilot",
        file("progress-tty.ndjson", ndjson(userpilotUsers(9))),
        ...FAST_POLL,
        "--base-url",
        url,
      ],
      fake.io,
    );

    expect(code).toBe(0);
    const err = fake.stderr.text;
    expect(err).toMatch(/\r\[[#-]{24}\] userpilot import: \d+\/~?\d+ confirmed/);
    expect(err).toMatch(
      // eslint-disable-next-line no-control-regex -- the line must end with the terminal's erase-line escape
      /\ruserpilot import: 9\/9 confirmed \(9 imported, 0 failed, 0 rejected\), \d+\/s\u001b\[K\n$/,
    );
    // The summary still goes to stdout, as plain text.
    expect(fake.stdout.text).toMatch(SUMMARY("userpilot", 9));
  });
});
