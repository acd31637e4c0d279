// A flag of another command was ignored without a word: `demo --journal` kept no journal, `import --reject`
// or `import --port` changed nothing, `simulate --api-key` was dropped; so were words after `demo` or after
// `simulate <vendor>` (`demo 5000` ran 2000 users). Each is a usage error, before anything runs.
import { describe, expect, it } from "vitest";
import { USAGE_HINT } from "../../src/cli/run.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import { CREDS, cli, ndjson, totalRequests, useServedSimulators, useTempDir } from "./helpers.js";

const file = useTempDir("bui-cli-command-flags-");

/** The CLI's result, or "ran" when it did not answer at once (it went on to run the command). */
const refused = (argv: string[]) =>
  Promise.race([
    cli(argv),
    new Promise<"ran">((resolve) => setTimeout(() => resolve("ran"), 5000).unref()),
  ]);
const serve = useServedSimulators();

describe("a flag of another command", () => {
  const users = file("users.ndjson", ndjson([{ uid: "u1" }]));
  const cases: { argv: string[]; message: string }[] = [
    {
      argv: ["import", "fullstory", users, "--dry-run", "--port", "4010"],
      message: "--port is an option of simulate, not of import",
    },
    {
      argv: ["import", "fullstory", users, "--dry-run", "--reject", "0.5"],
      message: "--reject is an option of simulate, not of import",
    },
    {
      argv: ["import", "fullstory", users, "--dry-run", "--users", "5"],
      message: "--users is an option of demo, not of import",
    },
    {
      argv: ["demo", "--users", "1", "--journal", file("demo.journal")],
      message: "--journal is an option of import, not of demo",
    },
    {
      argv: ["demo", "--users", "1", "--dry-run"],
      message: "--dry-run is an option of import, not of demo",
    },
    {
      argv: ["simulate", "fullstory", "--api-key", CREDS.apiKey],
      message: "--api-key is an option of import, not of simulate",
    },
    {
      argv: ["simulate", "fullstory", "--report", file("sim-report.ndjson")],
      message: "--report is an option of import and demo, not of simulate",
    },
  ];
  for (const { argv, message } of cases) {
    it(`${argv.filter((a) => a.startsWith("--")).join(" ")} for ${argv[0]}: a usage error (exit 2)`, async () => {
      const result = await refused(argv);
      expect(result).not.toBe("ran");
      if (result === "ran") return;
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr.endsWith(USAGE_HINT)).toBe(true);
      expect(result.stdout).toBe("");
      expect(result.all).not.toContain(CREDS.apiKey);
    });
  }

  it("an import with a simulator's flag sends nothing", async () => {
    const sim = createFullStorySimulator();
    const { url } = await serve(sim);
    const result = await cli([
      "import",
      "fullstory",
      users,
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      "--fault-429",
      "1",
    ]);
    expect(result.code).toBe(2);
    expect(totalRequests(sim)).toBe(0);
  });

  it("demo --users past 2^53 is a usage error, not a demo of a rounded count", async () => {
    const result = await refused(["demo", "--users", "100000000000000000000"]);
    expect(result).not.toBe("ran");
    if (result === "ran") return;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--users takes a whole number up to 9007199254740991");
  });
});

describe("words a command does not take", () => {
  it.each([
    [["demo", "5000"], "demo takes no arguments: give the number of users as --users N"],
    [
      ["simulate", "fullstory", "4010"],
      "simulate takes a vendor: bulk-user-import simulate <vendor>",
    ],
  ])("%j is a usage error (exit 2), not a run that ignores them", async (argv, message) => {
    const result = await refused(argv);
    expect(result).not.toBe("ran");
    if (result === "ran") return;
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
