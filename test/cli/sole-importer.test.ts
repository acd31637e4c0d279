// `--sole-importer`: the operator says no other process imports into the Userpilot account meanwhile, so the
// job found in Userpilot's list for a lost request is this run's, and its users carry no warning.
import { describe, expect, it } from "vitest";
import { DropConnection } from "../../src/testing/simulator.js";
import { createUserpilotSimulator } from "../../src/testing/userpilot.js";
import {
  CREDS,
  FAST_POLL,
  cli,
  ndjson,
  useServedSimulators,
  useTempDir,
  userpilotUsers,
} from "./helpers.js";

const file = useTempDir();
const serve = useServedSimulators();

/** Imports 3 users into a simulator that drops the answer to the first bulk request, after acting on it. */
async function importWithLostAnswer(flags: string[]) {
  const sim = createUserpilotSimulator({
    faults: {
      script: ({ operation, attempt }) =>
        operation === "bulkIdentifyUsers" && attempt === 1
          ? {
              after: () => {
                throw new DropConnection();
              },
            }
          : undefined,
    },
  });
  const { url } = await serve(sim);
  const input = file("users.ndjson", ndjson(userpilotUsers(3)));
  const result = await cli([
    "import",
    "userpilot",
    input,
    "--base-url",
    url,
    "--api-key",
    CREDS.apiKey,
    ...FAST_POLL,
    ...flags,
  ]);
  return { result, sim };
}

describe("a lost bulk request's job, found in Userpilot's list", () => {
  it("is a guess without --sole-importer: the users are imported with a warning", async () => {
    const { result, sim } = await importWithLostAnswer([]);
    expect(result.code).toBe(0);
    expect(sim.stats().jobs).toBe(1);
    expect(result.stdout).toMatch(/warning .*it may be another process's job/);
  });

  it("is this run's with --sole-importer: the users are imported without a warning", async () => {
    const { result, sim } = await importWithLostAnswer(["--sole-importer"]);
    expect(result.code).toBe(0);
    expect(sim.stats().jobs).toBe(1);
    expect(result.stdout).toContain("3 imported");
    expect(result.stdout).not.toContain("warning");
  });
});
