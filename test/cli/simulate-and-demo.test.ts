// `simulate <vendor> --port 0` (served in the background until the signal aborts) and `demo --users N`.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { run } from "../../src/cli/run.js";
import { ConfigError, withOptionalPeers } from "../../src/vendor-module.js";
import { VENDOR_NAMES } from "../../src/vendors.js";
import {
  cli,
  fakeIo,
  ndjson,
  printedStats,
  propellerUsers,
  simulate,
  slashIdPersons,
  useTempDir,
  userpilotUsers,
} from "./helpers.js";

const file = useTempDir();

/** Waits (polling briefly) until `check` holds; fails the test with `what` if it never does. */
async function until(check: () => boolean, what: string, tries = 400): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("simulate <vendor> --port 0", () => {
  it("propeller: prints its URL and how to import into it; an import there works; abort stops it with 0", async () => {
    const sim = await simulate(["simulate", "propeller", "--port", "0"]);
    try {
      expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:(?!0\b)\d+$/);
      expect(sim.hint).toBe(
        `bulk-user-import import propeller <file> --base-url ${sim.url} --client-id sim-client --client-secret sim-secret`,
      );

      // The printed command line, with a real file: the simulator's credentials work as they are.
      const [, , vendor, , ...flags] = sim.hint.split(" ");
      const input = file("simulated.ndjson", ndjson(propellerUsers(6, "sim")));
      const result = await cli(["import", vendor ?? "", input, ...flags]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^propeller: 6 records: 6 imported, 0 failed, 0 rejected/);
    } finally {
      sim.fake.controller.abort();
    }

    expect(await sim.done).toBe(0);
    // On the way out it prints the simulator's stats as JSON: the six users are there.
    expect(printedStats(sim.fake)).toMatchObject({ users: 6, duplicateWrites: 0 });
    // And it has stopped listening.
    await expect(fetch(`${sim.url}/oauth2/token`, { method: "POST" })).rejects.toThrow();
  });

  it("userpilot: the printed command polls the simulator's jobs every 200 ms, and imports through it", async () => {
    const sim = await simulate(["simulate", "userpilot", "--port", "0"]);
    try {
      expect(sim.hint).toBe(
        `bulk-user-import import userpilot <file> --base-url ${sim.url} --api-key sim-key --poll-interval 200ms`,
      );
      const [, , vendor, , ...flags] = sim.hint.split(" ");
      const input = file("simulated-userpilot.ndjson", ndjson(userpilotUsers(3, "hint")));
      const result = await cli(["import", vendor ?? "", input, ...flags]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^userpilot: 3 records: 3 imported, 0 failed, 0 rejected/);
    } finally {
      sim.fake.controller.abort();
    }
    expect(await sim.done).toBe(0);
  });

  it("slashid with --reject 1: the served simulator refuses every person, so the import exits 1", async () => {
    const sim = await simulate(["simulate", "slashid", "--port", "0", "--reject", "1"]);
    try {
      expect(sim.hint).toContain("--api-key sim-key --org-id sim-org");
      const result = await cli(
        [
          "import",
          "slashid",
          file("simulated-reject.ndjson", ndjson(slashIdPersons(4))),
          "--base-url",
          sim.url,
        ],
        { env: { SLASHID_API_KEY: "sim-key", SLASHID_ORG_ID: "sim-org" } },
      );
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^slashid: 4 records: 0 imported, 4 failed, 0 rejected/);
    } finally {
      sim.fake.controller.abort();
    }
    expect(await sim.done).toBe(0);
  });
});

describe("demo --users 40", () => {
  // Into every vendor of src/vendors.ts, in its order: a vendor added there is demoed, and checked here.
  it("imports into every simulator, says what it injected and did, and reports exactly what the vendors hold", async () => {
    const reportFile = file("demo-report.json");
    const result = await cli(["demo", "--users", "40", "--report", reportFile]);

    expect(result.code).toBe(0);
    for (const vendor of VENDOR_NAMES) {
      expect(result.stdout).toMatch(
        new RegExp(
          `^== ${vendor}: 40 users into the simulator at http://127\\.0\\.0\\.1:\\d+$`,
          "m",
        ),
      );
      expect(result.stdout).toMatch(
        new RegExp(`^${vendor}: 40 records: \\d+ imported, \\d+ failed, \\d+ rejected \\(`, "m"),
      );
    }
    // Every vendor lost the answers of its 2nd and 3rd write after acting on them, and the demo says so.
    expect(result.stdout.match(/2 answers lost after the vendor acted/g)).toHaveLength(
      VENDOR_NAMES.length,
    );
    const total =
      /^all vendors: (\d+) records, (\d+) imported, (\d+) failed \(each one refused by the vendor\), (\d+) rejected$/m.exec(
        result.stdout,
      );
    expect(total).not.toBeNull();
    const [records, imported, failed, rejected] = (total ?? []).slice(1).map(Number);
    expect(records).toBe(40 * VENDOR_NAMES.length);
    expect((imported ?? 0) + (failed ?? 0) + (rejected ?? 0)).toBe(records);
    // What each vendor holds is what its report says was imported, and none holds a duplicate.
    const holds = [
      ...result.stdout.matchAll(
        /the vendor holds (\d+) users \((\d+) duplicates\); the report says (\d+) imported/g,
      ),
    ];
    expect(holds).toHaveLength(VENDOR_NAMES.length);
    for (const [, stored, duplicates, reported] of holds) {
      expect(duplicates).toBe("0");
      expect(reported).toBe(stored);
    }
    expect(result.stdout).not.toMatch(/disagree/);
    // --report writes every vendor's report, with their failures all vendor refusals.
    const reports = JSON.parse(readFileSync(reportFile, "utf8")) as ImportReport[];
    expect(reports.map((r) => r.vendor)).toEqual(VENDOR_NAMES);
    for (const report of reports) {
      for (const o of report.outcomes) {
        if (o.outcome === "failed")
          expect(o.code).toMatch(/simulated_rejection|rejected_by_vendor|job_failed/);
      }
    }
    expect(reports.reduce((n, r) => n + r.chunks.replayed, 0)).toBeGreaterThan(0);
    // Each simulator is closed once its vendor is done: one left listening would keep `npm run demo` from
    // ever ending.
    const urls = [...result.stdout.matchAll(/into the simulator at (http:\S+)$/gm)].map(
      (m) => m[1],
    );
    expect(urls).toHaveLength(VENDOR_NAMES.length);
    for (const url of urls) await expect(fetch(`${url ?? ""}/`)).rejects.toThrow();
  });
});

describe("demo interrupted (Ctrl-C)", () => {
  // The CLI turns the first Ctrl-C into its signal and takes the signal's default action away, so a demo that
  // ignored the signal went on through every vendor: only a second Ctrl-C ended it, killing the process.
  it("stops at once: exit 1, no later vendor, no claim about what the vendors hold, its report not left", async () => {
    const fake = fakeIo();
    const reportFile = file("interrupted-demo.json");
    const demo = run(["demo", "--users", "20000", "--report", reportFile], fake.io);
    await until(() => fake.stdout.text.includes("== fullstory"), "the demo's first vendor");
    fake.controller.abort();
    const code = await Promise.race([
      demo,
      new Promise<"ran on">((resolve) => setTimeout(() => resolve("ran on"), 10_000).unref()),
    ]);

    expect(code).toBe(1);
    expect(fake.stderr.text).toContain(
      "the demo was interrupted; the vendor it was importing into, and those after it, were not checked",
    );
    expect(fake.stdout.text).not.toContain("== slashid");
    expect(fake.stdout.text).not.toMatch(/disagree|all vendors/);
    expect(existsSync(reportFile)).toBe(false);
  }, 30_000);

  // Interrupted at its second vendor, the demo had printed the first one's summary, whose "… and N more (see
  // FILE)" pointed at a report it then left as an earlier run wrote it: the interruption says so.
  it("after a vendor's summary pointed at --report: says the report was not written, an earlier one kept", async () => {
    const fake = fakeIo();
    const reportFile = file("interrupted-later-demo.json", "an earlier demo's report\n");
    const demo = run(["demo", "--users", "4000", "--report", reportFile], fake.io);
    await until(() => fake.stdout.text.includes("== slashid"), "the demo's second vendor", 6000);
    fake.controller.abort();
    const code = await Promise.race([
      demo,
      new Promise<"ran on">((resolve) => setTimeout(() => resolve("ran on"), 10_000).unref()),
    ]);

    expect(code).toBe(1);
    expect(fake.stdout.text).toContain(`more (see ${reportFile})`);
    expect(fake.stderr.text).toContain(
      "the demo was interrupted; the vendor it was importing into, and those after it, were not " +
        `checked; the report ${reportFile} was not written\n`,
    );
    expect(readFileSync(reportFile, "utf8")).toBe("an earlier demo's report\n");
  }, 60_000);
});

describe("demo --report in a folder that does not exist", () => {
  it("stops before it imports anything (exit 2, as an import does), naming the report", async () => {
    const reportFile = file("no-such-folder/demo-report.json");
    const result = await cli(["demo", "--users", "5", "--report", reportFile]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `cannot write the report ${reportFile}: its folder ${path.dirname(reportFile)} does not exist`,
    );
    expect(result.stdout).not.toMatch(/^== /m);
  });
});

describe("demo without @faker-js/faker", () => {
  it("says how to install it, with the simulators' peers: exit 2, nothing imported", async () => {
    const fake = fakeIo();
    // What Node's import() throws when the package is not installed.
    const missing = Object.assign(
      new Error(
        "Cannot find package '@faker-js/faker' imported from /app/dist/src/testing/fixtures/faker.js",
      ),
      { code: "ERR_MODULE_NOT_FOUND" },
    );
    const code = await run(["demo", "--users", "5"], {
      ...fake.io,
      loadDemoFixtures: () => Promise.reject(missing),
    });
    expect(code).toBe(2);
    expect(fake.stderr.text).toContain(
      "@faker-js/faker is not installed (an optional peer): npm install -D @faker-js/faker ajv ajv-formats",
    );
    expect(fake.stdout.text).toBe("");
  });

  it("another failure to load is not mistaken for it", async () => {
    const fake = fakeIo();
    const code = await run(["demo", "--users", "5"], {
      ...fake.io,
      loadDemoFixtures: () => Promise.reject(new Error("disk on fire")),
    });
    expect(code).toBe(3);
    expect(fake.stderr.text).toContain("disk on fire");
    expect(fake.stderr.text).not.toContain("npm install");
  });
});

describe("simulate's own flags", () => {
  // The unit is named: the import's duration flags take one in their value (`2s`), these do not.
  it.each([
    ["--retry-after", "abc", "seconds"],
    ["--retry-after", "-5", "seconds"],
    ["--retry-after", "2s", "seconds"],
    ["--slow-ms", "abc", "ms"],
    ["--slow-ms", "1.5", "ms"],
    ["--slow-ms", "2s", "ms"],
    ["--retry-after", "9007199254740993", "seconds"],
  ])(
    "%s %s is a usage error naming the unit, not a simulator that answers it",
    async (flag, value, unit) => {
      const result = await cli(["simulate", "fullstory", "--fault-429", "1", `${flag}=${value}`]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        new RegExp(`${flag} takes a whole number of ${unit} (≥ 0|up to \\d+), not ${value}\n`),
      );
    },
  );

  // README: `--fault-lost-answer`, a write processed and then its answer lost, what exactly-once is about.
  it("--fault-lost-answer 0.3: writes are processed and their answers lost; the import replays them, none twice", async () => {
    const sim = await simulate([
      ...["simulate", "propeller", "--port", "0", "--fault-lost-answer", "0.3"],
    ]);
    try {
      const [, , vendor, , ...flags] = sim.hint.split(" ");
      const input = file("lost-answers.ndjson", ndjson(propellerUsers(8, "lost")));
      // One chunk at a time: the simulator's seeded faults then fall on the same requests every run.
      const one = ["--chunk-size", "2", "--concurrency", "1"];
      const result = await cli(["import", vendor ?? "", input, ...flags, ...one]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^propeller: 8 records: 8 imported, 0 failed, 0 rejected/);
    } finally {
      sim.fake.controller.abort();
    }
    expect(await sim.done).toBe(0);
    const stats = printedStats(sim.fake);
    expect(stats).toMatchObject({ users: 8, duplicates: 0 });
    expect(stats.faults["lost_answer"]).toBeGreaterThan(0);
  });

  it("fault shares adding up to more than 1 are a usage error", async () => {
    const result = await cli(["simulate", "fullstory", "--fault-429", "0.8", "--fault-5xx", "0.8"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("they add up to at most 1");
  });

  it("--fault-lost-answer counts toward that sum", async () => {
    const result = await cli([
      ...["simulate", "fullstory", "--fault-drop", "0.6", "--fault-lost-answer", "0.6"],
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--fault-lost-answer are shares of the same requests");
  });

  // README: `--retry-after` (the seconds a 429 asks for, default 1). A client's backoff is tried against it.
  it.each([
    [[], "1"],
    [["--retry-after", "7"], "7"],
  ])(
    "--fault-429 1 %j: every request is answered 429 with Retry-After %s",
    async (flags, seconds) => {
      const sim = await simulate(["simulate", "fullstory", "--fault-429", "1", ...flags]);
      try {
        const answer = await fetch(`${sim.url}/v2/users/batch`, {
          method: "POST",
          headers: { authorization: "Basic sim-key", "content-type": "application/json" },
          body: JSON.stringify({ requests: [{ uid: "u-1" }] }),
        });
        expect(answer.status).toBe(429);
        expect(answer.headers.get("retry-after")).toBe(seconds);
      } finally {
        sim.fake.controller.abort();
      }
      expect(await sim.done).toBe(0);
    },
  );
});

describe("simulators without their optional peers", () => {
  it("says which to install, as a configuration error", async () => {
    const missing = Object.assign(
      new Error(
        "Cannot find package 'ajv' imported from /app/dist/src/testing/request-validator.js",
      ),
      { code: "ERR_MODULE_NOT_FOUND" },
    );
    const load = withOptionalPeers(
      () => Promise.reject(missing),
      "the simulators check requests with ajv",
      ["ajv", "ajv-formats"],
    );
    await expect(load).rejects.toBeInstanceOf(ConfigError);
    await expect(load).rejects.toThrow(
      "the simulators check requests with ajv, and ajv is not installed (an optional peer): npm install -D ajv ajv-formats",
    );
  });

  it("passes any other failure on as it is", async () => {
    const other = Object.assign(new Error("Cannot find package 'left-pad'"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    await expect(withOptionalPeers(() => Promise.reject(other), "x", ["ajv"])).rejects.toBe(other);
  });
});

describe("a usage error of several lines", () => {
  it("keeps its line breaks", async () => {
    const result = await cli(["import", "fullstory", "users.ndjson", "--api-key", "-abc"]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain("\\n");
    expect(result.stderr.split("\n").length).toBeGreaterThan(3);
  });
});
