// What an operator tunes against a real vendor: --version, the timing and retry flags, and the vendor's limits
// on --chunk-size and --concurrency (refused above them, never cut down silently).
import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { clientOptions, jobTuning } from "../../src/cli/import-command.js";
import { USAGE } from "../../src/cli/run.js";
import { fullStoryModule } from "../../src/fullstory/module.js";
import { userpilotModule } from "../../src/userpilot/module.js";
import { VERSION } from "../../src/core/version.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import {
  CREDS,
  SIMULATOR_ENV,
  cli,
  fullStoryUsers,
  ndjson,
  requestsTo,
  totalRequests,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

vi.mock("../../src/core/time.js", async (importOriginal) =>
  (await import("./short-backoff.js")).shortBackoff(importOriginal),
);

const file = useTempDir();
const serve = useServedSimulators();
const FULLSTORY = ["--api-key", CREDS.apiKey];

describe("--version", () => {
  it("prints the package's version and exits 0", async () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    const result = await cli(["--version"]);
    expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
    expect(VERSION).toBe(pkg.version);
  });

  it("is listed in the usage", () => {
    expect(USAGE).toContain("--version");
  });
});

describe("timing and retry flags", () => {
  const users = file("timing.ndjson", ndjson(fullStoryUsers(3, "t")));

  it("map to the client's and the adapters' options, durations with a unit", () => {
    const signal = new AbortController().signal;
    expect(
      clientOptions(
        { "request-timeout": "45s", "max-retry-after": "2m", retries: "0", "base-url": "http://x" },
        signal,
      ),
    ).toMatchObject({
      timeoutMs: 45_000,
      maxRetryAfterMs: 120_000,
      maxRetries: 0,
      baseUrl: "http://x",
    });
    for (const vendor of [fullStoryModule, userpilotModule]) {
      expect(
        jobTuning(vendor, {
          "poll-interval": "500ms",
          "max-poll-interval": "1.5s",
          "job-timeout": "2h",
        }),
      ).toEqual({ pollIntervalMs: 500, maxPollIntervalMs: 1_500, jobTimeoutMs: 7_200_000 });
    }
    expect(jobTuning(fullStoryModule, {})).toEqual({});
  });

  it("a duration may have blanks around it (a script's variable), and be as long as a timer holds", () => {
    expect(
      jobTuning(fullStoryModule, { "job-timeout": "2147483647ms", "poll-interval": " 2s\n" }),
    ).toEqual({ jobTimeoutMs: 2_147_483_647, pollIntervalMs: 2_000 });
    expect(() => jobTuning(fullStoryModule, { "job-timeout": "2147483648ms" })).toThrow(
      "--job-timeout takes a duration of at most 2147483647ms (about 24.8 days), not 2147483648ms",
    );
  });

  // A sign or a stray word before the number is no duration, nor a point without decimals after it.
  it.each(["-5s", "x5s", "1.s"])("refuses a job timeout of %j", (value) => {
    expect(() => jobTuning(fullStoryModule, { "job-timeout": value })).toThrow(
      `--job-timeout takes a duration with a unit, e.g. 500ms, 2s, 10m or 1h, not ${value}`,
    );
  });

  const refused = [
    {
      flag: "--poll-interval",
      value: "30",
      message: "--poll-interval takes a duration with a unit",
    },
    { flag: "--job-timeout", value: "5x", message: "--job-timeout takes a duration with a unit" },
    { flag: "--request-timeout", value: "0ms", message: "--request-timeout takes a duration" },
    { flag: "--retries", value: "1.5", message: "--retries takes a whole number ≥ 0, not 1.5" },
    { flag: "--retries", value: "0x10", message: "--retries takes a whole number ≥ 0, not 0x10" },
    {
      flag: "--chunk-size",
      value: "1e3",
      message: "--chunk-size takes a whole number ≥ 1, not 1e3",
    },
  ];
  for (const c of refused) {
    it(`${c.flag} ${c.value}: exit 2, nothing sent`, async () => {
      const sim = createFullStorySimulator();
      const { url } = await serve(sim);
      const result = await cli([
        "import",
        "fullstory",
        users,
        "--base-url",
        url,
        ...FULLSTORY,
        c.flag,
        c.value,
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(c.message);
      expect(totalRequests(sim)).toBe(0);
    });
  }

  it("job flags for a vendor that runs no jobs: exit 2 naming the vendors they apply to", async () => {
    const result = await cli([
      "import",
      "propeller",
      file("pp.ndjson", ndjson([{ source: "crm", sourceId: "1" }])),
      "--client-id",
      CREDS.clientId,
      "--client-secret",
      CREDS.clientSecret,
      "--poll-interval",
      "1s",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--poll-interval applies to fullstory and userpilot");
  });

  it("--job-timeout: a job that outlasts it fails its records as job_timeout, naming the time", async () => {
    // A job that never ends within the test: it processes for an hour of the simulator's clock.
    const sim = createFullStorySimulator({ processingMs: 3_600_000 });
    const { url } = await serve(sim);
    const result = await cli([
      "import",
      "fullstory",
      users,
      "--base-url",
      url,
      ...FULLSTORY,
      "--poll-interval",
      "1ms",
      "--job-timeout",
      "5ms",
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^fullstory: 3 records: 0 imported, 3 failed/);
    expect(result.stdout).toMatch(/\[job_timeout\] .*did not finish within 5 ms/);
  });

  it("--retries and --chunk-attempts: a request answered 500 is sent 1 + retries times", async () => {
    for (const [retries, sends] of [
      ["0", 1],
      ["2", 3],
    ] as const) {
      const sim = createFullStorySimulator({ faults: { rate5xx: 1 } });
      const { url } = await serve(sim);
      const result = await cli([
        "import",
        "fullstory",
        users,
        "--base-url",
        url,
        ...FULLSTORY,
        "--retries",
        retries,
        "--chunk-attempts",
        "1",
      ]);
      expect(result.code).toBe(1);
      expect(requestsTo(sim, "POST /v2/users/batch")).toBe(sends);
    }
  });
});

describe("--chunk-size and --concurrency above the adapter's limit", () => {
  const cases = [
    {
      vendor: "fullstory",
      flags: ["--chunk-size", "50001"],
      message:
        "--chunk-size 50001 is above the fullstory adapter's limit of 50000 records per request",
    },
    {
      vendor: "fullstory",
      flags: ["--concurrency", "101"],
      message: "--concurrency 101 is above the fullstory adapter's limit of 100 requests in flight",
    },
    {
      vendor: "userpilot",
      flags: ["--concurrency", "2"],
      message: "--concurrency 2 is above the userpilot adapter's limit of 1 requests in flight",
    },
    {
      vendor: "userpilot",
      flags: ["--chunk-size", "10001"],
      message:
        "--chunk-size 10001 is above the userpilot adapter's limit of 10000 records per request",
    },
    {
      vendor: "slashid",
      flags: ["--chunk-size", "10001"],
      message:
        "--chunk-size 10001 is above the slashid adapter's limit of 10000 records per request",
    },
    {
      vendor: "propeller",
      flags: ["--chunk-size", "10001"],
      message:
        "--chunk-size 10001 is above the propeller adapter's limit of 10000 records per request",
    },
  ];
  for (const c of cases) {
    it(`${c.vendor} ${c.flags.join(" ")}: exit 2 naming the limit`, async () => {
      const result = await cli(
        ["import", c.vendor, file(`${c.vendor}-limit.ndjson`, "{}\n"), ...c.flags],
        {
          env: SIMULATOR_ENV,
        },
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(c.message);
    });
  }

  // SlashID's and Propeller's caps on records per request are our guard, which neither vendor documents:
  // --help names the limit as the refusal does, not as the vendor's.
  it("--help names the limit the adapter's, as the refusal does", () => {
    for (const flag of ["--chunk-size", "--concurrency"])
      expect(USAGE).toMatch(
        new RegExp(`\\n  ${flag} <n> +[a-z ]+; above the adapter's limit is an error\\n`),
      );
    expect(USAGE).not.toContain("the vendor's limit");
  });

  it("nothing is sent, and the limit itself is accepted", async () => {
    const sim = createFullStorySimulator();
    const { url } = await serve(sim);
    const users = file("at-limit.ndjson", ndjson(fullStoryUsers(3, "lim")));
    const base = ["import", "fullstory", users, "--base-url", url, ...FULLSTORY];
    expect((await cli([...base, "--chunk-size", "50001"])).code).toBe(2);
    expect(totalRequests(sim)).toBe(0);
    const atLimit = await cli([
      ...base,
      "--chunk-size",
      "50000",
      "--concurrency",
      "100",
      "--poll-interval",
      "1ms",
    ]);
    expect(atLimit.code).toBe(0);
    expect(sim.users()).toHaveLength(3);
  });
});
