// Usage, help, and the exit codes for configuration errors (2) and for imports that could not run (3).
import { symlinkSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { exitCodeOf } from "../../src/cli/import-command.js";
import { USAGE, USAGE_HINT } from "../../src/cli/run.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import {
  CREDS,
  cli,
  everyVendor,
  fullStoryUsers,
  ndjson,
  propellerUsers,
  slashIdPersons,
  totalRequests,
  useServedSimulators,
  useTempDir,
  userpilotUsers,
} from "./helpers.js";
import { REFUSED_PORT } from "../support/refused-port.js";
import { reportOf } from "../support/report.js";

// The unreachable-vendor tests retry every request before giving up.
vi.mock("../../src/core/time.js", async (importOriginal) =>
  (await import("./short-backoff.js")).shortBackoff(importOriginal),
);

const file = useTempDir();
const serve = useServedSimulators();
const users = file("users.ndjson", ndjson(fullStoryUsers(3)));

// --help's exit code 2 for a broken input: with a journal, the records of the last chunk, short of full when
// the input broke off, are not sent (they fail aborted) for a re-run to send them in the chunk the whole
// input makes; "records before it are imported" alone claimed them imported.
it("exit 2 for an input that breaks off: --help says what becomes of the records before it, with --journal", async () => {
  const sim = createFullStorySimulator({ processingPolls: 0 });
  const { url } = await serve(sim);
  const cut = file("cut.ndjson", ndjson(fullStoryUsers(7, "cut")) + '{"uid":"cut-7","em');
  const result = await cli([
    ...["import", "fullstory", cut, "--base-url", url, "--api-key", CREDS.apiKey],
    ...["--poll-interval", "1ms", "--chunk-size", "5", "--journal", file("cut.journal")],
  ]);

  expect(result.code).toBe(2);
  expect(result.stdout).toMatch(/^fullstory: 7 records: 5 imported, 2 failed, 0 rejected/);
  expect(result.stdout).toContain("failed   #6 cut-6: [aborted] not sent: ");
  expect(sim.stats().users).toBe(5);
  expect(USAGE.replace(/\s+/g, " ")).toContain(
    "2 usage or configuration error, or a broken input file (records before it are imported; with " +
      "--journal, those of an unfinished last chunk wait unsent for a re-run)",
  );
});

describe("help", () => {
  for (const argv of [["help"], ["--help"], ["-h"], ["import", "--help"]]) {
    it(`${argv.join(" ")}: the usage on stdout, exit 0`, async () => {
      const result = await cli(argv);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(USAGE);
      expect(result.stderr).toBe("");
    });
  }

  it("the usage lists every command, vendor and exit code", () => {
    for (const text of [
      "import <vendor> <file>",
      "simulate <vendor>",
      "demo [--users N]",
      "fullstory, slashid, propeller, userpilot",
      "--dry-run",
      "--report <file>",
      "--journal <file>",
      "--concurrency <n>",
      "FULLSTORY_API_KEY",
      "SLASHID_ORG_ID",
      "PROPELLER_CLIENT_SECRET",
      "USERPILOT_API_KEY",
    ])
      expect(USAGE).toContain(text);
    expect(USAGE).toMatch(
      /0 all imported, 1 .*\n.*was stopped \(Ctrl-C, SIGTERM\), 2 usage.*\n(?:.*\n)?.*3 the import could not run/,
    );
  });

  it("no arguments: the usage, exit 2", async () => {
    const result = await cli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe(USAGE);
  });
});

describe("exit 2: usage and configuration errors, with the message and where the usage is on stderr", () => {
  const cases: { name: string; argv: string[]; env?: NodeJS.ProcessEnv; message: string }[] = [
    { name: "unknown command", argv: ["frobnicate"], message: "unknown command frobnicate" },
    // A name every object has is no command either: looked up as one, it crashed (exit 3).
    ...["constructor", "__proto__", "toString"].map((command) => ({
      name: `unknown command ${command}, with a flag`,
      argv: [command, "--port", "1"],
      message: `unknown command ${command}`,
    })),
    {
      name: "an unknown option after a command that is no command",
      argv: ["constructor", "--prot"],
      message: "unknown option --prot (did you mean --port?)",
    },
    {
      name: "unknown vendor",
      argv: ["import", "mixpanel", users],
      message: "unknown vendor mixpanel: use one of fullstory, slashid, propeller, userpilot",
    },
    {
      name: "missing file argument",
      argv: ["import", "fullstory"],
      message: "import takes a vendor and a file",
    },
    {
      name: "missing vendor and file",
      argv: ["import"],
      message: "import takes a vendor and a file",
    },
    {
      name: "an extra argument",
      argv: ["import", "fullstory", users, "more.ndjson"],
      message: "import takes a vendor and a file",
    },
    {
      name: "unknown flag",
      argv: ["import", "fullstory", users, "--frobnicate"],
      message: "--frobnicate",
    },
    {
      name: "a flag without its value",
      argv: ["import", "fullstory", users, "--report"],
      message: "--report",
    },
    // `--report "$REPORT"` with REPORT unset: the error named no file and no flag.
    ...(["report", "journal"] as const).flatMap((flag) =>
      ["", " "].map((blank) => ({
        name: `--${flag} given blank (${JSON.stringify(blank)})`,
        argv: ["import", "fullstory", users, "--api-key", CREDS.apiKey, `--${flag}`, blank],
        message: `--${flag} was given blank: pass a file name or leave the flag out`,
      })),
    ),
    // `-` is stdout to many tools; taken as a name, the report went to a file named `-`, unseen.
    {
      name: "--report given -",
      argv: ["import", "fullstory", users, "--api-key", CREDS.apiKey, "--dry-run", "--report", "-"],
      message: '--report - would write a file named "-"; give it a file name, or /dev/stdout',
    },
    {
      name: "--journal given -",
      argv: [
        "import",
        "fullstory",
        users,
        "--api-key",
        CREDS.apiKey,
        "--dry-run",
        "--journal",
        "-",
      ],
      message: '--journal - would write a file named "-"; give it a file name\n',
    },
    {
      name: "demo's --report given blank",
      argv: ["demo", "--users", "1", "--report", ""],
      message: "--report was given blank: pass a file name or leave the flag out",
    },
    {
      name: "fullstory without a key",
      argv: ["import", "fullstory", users],
      message: "missing credential: pass --api-key or set FULLSTORY_API_KEY",
    },
    {
      name: "fullstory with an empty key in the environment",
      argv: ["import", "fullstory", users],
      env: { FULLSTORY_API_KEY: "" },
      message: "missing credential: pass --api-key or set FULLSTORY_API_KEY",
    },
    {
      name: "slashid without an org id",
      argv: ["import", "slashid", file("p.ndjson", ndjson(slashIdPersons(1)))],
      env: { SLASHID_API_KEY: CREDS.apiKey },
      message: "missing credential: pass --org-id or set SLASHID_ORG_ID",
    },
    {
      name: "slashid without a key",
      argv: ["import", "slashid", file("p.ndjson"), "--org-id", CREDS.orgId],
      message: "missing credential: pass --api-key or set SLASHID_API_KEY",
    },
    {
      name: "propeller without a client secret",
      argv: ["import", "propeller", file("pp.ndjson", ndjson(propellerUsers(1)))],
      env: { PROPELLER_CLIENT_ID: CREDS.clientId },
      message: "missing credential: pass --client-secret or set PROPELLER_CLIENT_SECRET",
    },
    {
      name: "propeller without a client id",
      argv: ["import", "propeller", file("pp.ndjson"), "--client-secret", CREDS.clientSecret],
      message: "missing credential: pass --client-id or set PROPELLER_CLIENT_ID",
    },
    {
      name: "userpilot without a key",
      argv: ["import", "userpilot", file("up.ndjson", ndjson(userpilotUsers(1)))],
      message: "missing credential: pass --api-key or set USERPILOT_API_KEY",
    },
    {
      name: "userpilot with an unknown environment",
      argv: ["import", "userpilot", file("up.ndjson"), "--environment", "mars"],
      env: { USERPILOT_API_KEY: CREDS.apiKey },
      message: "--environment must be analytex or analytex-eu, not mars",
    },
    ...["0", "-2", "1.5", "many", ""].map((value) => ({
      name: `--concurrency ${JSON.stringify(value)}`,
      argv: ["import", "fullstory", users, `--concurrency=${value}`, "--api-key", CREDS.apiKey],
      message: "--concurrency takes a whole number ≥ 1",
    })),
    {
      name: "--chunk-size 0",
      argv: ["import", "fullstory", users, "--chunk-size", "0", "--api-key", CREDS.apiKey],
      message: "--chunk-size takes a whole number ≥ 1, not 0",
    },
    ...["users.txt", "users.xml", "users", "users.json.gz"].map((name) => ({
      name: `unsupported file ${name}`,
      argv: ["import", "fullstory", file(name, "{}"), "--api-key", CREDS.apiKey],
      message: "use a .ndjson, .jsonl, .json or .csv file",
    })),
    {
      name: "demo --users 0",
      argv: ["demo", "--users", "0"],
      message: "--users takes a whole number",
    },
    { name: "simulate without a vendor", argv: ["simulate"], message: "simulate takes a vendor" },
    {
      name: "simulate an unknown vendor",
      argv: ["simulate", "mixpanel"],
      message: "unknown vendor mixpanel",
    },
    {
      name: "simulate on a bad port",
      argv: ["simulate", "fullstory", "--port", "70000"],
      message: "--port takes 0 to 65535",
    },
    {
      name: "simulate with a bad fault rate",
      argv: ["simulate", "fullstory", "--fault-429", "2"],
      message: "--fault-429 takes a share from 0 to 1, not 2",
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const result = await cli(c.argv, { env: c.env ?? {} });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^bulk-user-import: /);
      expect(result.stderr).toContain(c.message);
      // The message, then a pointer to --help: not the whole usage, which would bury the message.
      expect(result.stderr.endsWith(USAGE_HINT)).toBe(true);
      expect(result.stderr).not.toContain(USAGE);
      expect(result.stdout).toBe("");
    });
  }

  it("simulate on a port in use: exit 2, saying to leave --port out", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      const result = await cli(["simulate", "fullstory", "--port", String(port)]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `--port ${port} is in use on 127.0.0.1: leave --port out for a free port`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it("a configuration error sends nothing to the vendor", async () => {
    const sim = createFullStorySimulator();
    const { url } = await serve(sim);
    for (const extra of [[], ["--api-key", CREDS.apiKey, "--concurrency", "0"]]) {
      const result = await cli(["import", "fullstory", users, "--base-url", url, ...extra]);
      expect(result.code).toBe(2);
    }
    expect(totalRequests(sim)).toBe(0);
  });
});

describe("exit 3: the import could not run", () => {
  const port = REFUSED_PORT;
  for (const c of everyVendor(4)) {
    it(`${c.vendor}: an unreachable base URL fails every record as a network failure`, async () => {
      const result = await cli([
        "import",
        c.vendor,
        file(`${c.vendor}-unreachable.ndjson`, ndjson(c.records)),
        "--base-url",
        `http://127.0.0.1:${port}`,
        ...c.flags,
      ]);
      expect(result.code).toBe(3);
      expect(result.stdout).toMatch(
        new RegExp(`^${c.vendor}: 4 records: 0 imported, 4 failed, 0 rejected`),
      );
      expect(result.stdout).toMatch(/network/);
      // The cause, not only undici's "fetch failed": what failed, and where.
      expect(result.stdout).toContain(`(fetch failed (ECONNREFUSED 127.0.0.1:${port}))`);
      for (const secret of [CREDS.apiKey, CREDS.clientSecret])
        expect(result.all).not.toContain(secret);
    });
  }

  it("an input file that does not exist: exit 2 naming the file and saying it does not exist", async () => {
    const missing = file("no-such-file.ndjson");
    const result = await cli(["import", "fullstory", missing, "--api-key", CREDS.apiKey]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot read ${missing}: no such file`);
  });

  it("an input whose path runs through a file, or a link to itself: exit 2 saying why in words or by code", async () => {
    const throughFile = path.join(file("plain.ndjson", "{}\n"), "users.ndjson");
    const loop = file("loop.ndjson");
    symlinkSync(loop, loop);
    for (const [input, why] of [
      [throughFile, "a folder on its path is a file"],
      [loop, "ELOOP"],
    ] as const) {
      const result = await cli(["import", "fullstory", input, "--api-key", CREDS.apiKey]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`cannot read ${input}: ${why}`);
    }
  });
});

describe("exit 1: an import that ran, but did not import its whole input", () => {
  it("some records imported, every failure without an answer (network, timeout): 1, not 3; none imported: 3", () => {
    const report = reportOf({
      ...{ total: 3, imported: 2, failed: 1, vendorMayHold: 1 },
      chunks: { sent: 2, resumed: 0, replayed: 0 },
    });
    expect(exitCodeOf(report, { answeredFailures: 0 })).toBe(1);
    expect(exitCodeOf({ ...report, imported: 0, failed: 3 }, { answeredFailures: 0 })).toBe(3);
  });

  it("stopped before the input's end, though every record read was imported: exit 1, not 0", () => {
    // Records after the stop were never read: the input is not all imported.
    const stopped = reportOf({
      ...{ total: 2, imported: 2, aborted: true },
      chunks: { sent: 1, resumed: 0, replayed: 0 },
    });
    expect(exitCodeOf(stopped, { answeredFailures: 0 })).toBe(1);
    expect(exitCodeOf({ ...stopped, aborted: false }, { answeredFailures: 0 })).toBe(0);
  });
});
