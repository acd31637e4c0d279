// README "Simulators": `simulate` takes `--slow-ms` (how long a slow answer waits, default 5000) and
// `--retry-after` (the seconds a 429 asks for, default 1). An operator tries a client's backoff with them, so
// the served simulator must ask for what the flags say. A value the simulator cannot take (a wait past what a
// timer holds) is the command line's mistake, as for the import's tuning flags: exit 2 naming the flag, not
// exit 3 ("the import could not run") naming the library's option.
import { describe, expect, it } from "vitest";
import { faultsFrom } from "../../src/cli/simulate-command.js";
import { SIMULATOR_SECRETS } from "../../src/vendor-module.js";
import { cli, simulate } from "./helpers.js";

/** Serves `simulate fullstory --port 0 …flags`, sends one batch create, and stops it: the answer's status and
 * Retry-After. */
async function firstAnswer(
  flags: readonly string[],
): Promise<{ status: number; retryAfter: string | null }> {
  const { fake, url, done } = await simulate(["simulate", "fullstory", "--port", "0", ...flags]);
  try {
    const answer = await fetch(`${url}/v2/users/batch`, {
      method: "POST",
      headers: {
        authorization: `Basic ${SIMULATOR_SECRETS.apiKey}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ requests: [{ uid: "ann" }] }),
    });
    await answer.arrayBuffer();
    return { status: answer.status, retryAfter: answer.headers.get("retry-after") };
  } finally {
    fake.controller.abort();
    expect(await done).toBe(0);
  }
}

describe("simulate's --retry-after and --slow-ms", () => {
  it("a 429 of the served simulator asks for 1 s without --retry-after", async () => {
    expect(await firstAnswer(["--fault-429", "1"])).toEqual({ status: 429, retryAfter: "1" });
  });

  it("--retry-after 3: a 429 asks for 3 s", async () => {
    expect(await firstAnswer(["--fault-429", "1", "--retry-after", "3"])).toEqual({
      status: 429,
      retryAfter: "3",
    });
  });

  it("--slow-ms 250 is the served simulator's slowMs, how long a slow answer waits", () => {
    expect(faultsFrom({ "fault-slow": "1", "slow-ms": "250" })).toEqual({
      rateSlow: 1,
      slowMs: 250,
    });
  });

  it("--slow-ms 2147483647, the longest a timer holds, is taken", () => {
    expect(faultsFrom({ "slow-ms": "2147483647" })).toEqual({ slowMs: 2147483647 });
  });

  it.each(["2147483648", "99999999999"])(
    "--slow-ms %s, past what a timer holds, is a usage error naming the flag (exit 2)",
    async (value) => {
      const result = await cli(["simulate", "fullstory", "--port", "0", "--slow-ms", value]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--slow-ms takes a whole number of ms up to 2147483647`);
      expect(result.stderr).not.toContain("faults.slowMs");
      expect(result.stdout).toBe("");
    },
  );
});
