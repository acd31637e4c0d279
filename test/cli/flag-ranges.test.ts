// README "Exit codes": 2 is "a usage or configuration error", 3 "the import could not run (credentials
// refused, vendor unreachable)"; "Dry run": "what an import refuses with exit 2, its dry run refuses alike".
// A tuning flag whose value the library cannot take (a duration past what a timer holds, a count past 2^53)
// is the command line's mistake: exit 2, naming the flag, in the import and its dry run alike; never exit 3,
// which tells a script the vendor or the credentials were the problem.
import { describe, expect, it } from "vitest";
import { createPropellerSimulator } from "../../src/testing/propeller.js";
import {
  CREDS,
  cli,
  fullStoryUsers,
  ndjson,
  propellerUsers,
  servedFullStory,
  totalRequests,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir();
const serve = useServedSimulators();

const CASES: readonly (readonly [string, string])[] = [
  ["--job-timeout", "1000h"],
  ["--poll-interval", "1000h"],
  ["--max-poll-interval", "1000h"],
  ["--request-timeout", "1000h"],
  ["--max-retry-after", "1000h"],
  ["--retries", "99999999999999999999"],
  ["--chunk-attempts", "99999999999999999999"],
  // 2^53, the first integer past the exact ones: the library refuses it as it does the larger.
  ["--retries", "9007199254740992"],
];

describe("a tuning flag out of the library's range is a usage error", () => {
  it.each(CASES)(
    "%s %s: exit 2 naming the flag, in the import and in its dry run",
    async (flag, value) => {
      const { sim, base } = await servedFullStory(serve);
      const input = file("users.ndjson", ndjson(fullStoryUsers(2)));
      const run = await cli(["import", "fullstory", input, ...base, flag, value]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(flag);
      expect(sim.stats().requests).toEqual({});
      const dry = await cli(["import", "fullstory", input, "--dry-run", flag, value]);
      expect(dry.code).toBe(2);
      expect(dry.stderr).toContain(flag);
    },
  );

  it("--concurrency 99999999999999999999 for Propeller (no limit of its own): exit 2 naming the flag, in the import and in its dry run", async () => {
    const sim = createPropellerSimulator();
    const { url } = await serve(sim);
    const input = file("persons.ndjson", ndjson(propellerUsers(2)));
    const flags = ["--concurrency", "99999999999999999999"];
    const creds = ["--client-id", CREDS.clientId, "--client-secret", CREDS.clientSecret];
    const run = await cli(["import", "propeller", input, "--base-url", url, ...creds, ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--concurrency");
    expect(totalRequests(sim)).toBe(0);
    const dry = await cli(["import", "propeller", input, "--dry-run", ...flags]);
    expect(dry.code).toBe(2);
    expect(dry.stderr).toContain("--concurrency");
  });
});
