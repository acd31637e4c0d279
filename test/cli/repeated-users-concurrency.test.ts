// The CLI with --concurrency above 1 on an input whose users repeat, against simulators on loopback whose
// answers to some writes are lost (the vendor acted): the vendor ends with each user's last record.
import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { createFullStorySimulator } from "../../src/testing/fullstory.js";
import { gatewayPage } from "../../src/testing/kit/answers.js";
import { createPropellerSimulator } from "../../src/testing/propeller.js";
import type { FaultCall } from "../../src/testing/faults.js";
import { CREDS, FAST_POLL, cli, ndjson, useServedSimulators, useTempDir } from "./helpers.js";

vi.mock("../../src/core/time.js", async (importOriginal) =>
  (await import("./short-backoff.js")).shortBackoff(importOriginal),
);

const file = useTempDir("repeated-users-");
const serve = useServedSimulators();

// 24 records of 4 users, interleaved: record i is user i % 4, version i.
const ROUNDS = 6;
const USERS = 4;

/**
 * Loses the answer of the first send of every third request body (the vendor acted). Per body, not per write:
 * counted over all writes, concurrent chunks could leave one chunk's every replay on a losing turn.
 */
function losingEveryThird(operation: string) {
  const seen = new Set<string>();
  return async (call: FaultCall) => {
    if (call.operation !== operation) return undefined;
    const body = await call.request.text();
    if (seen.has(body)) return undefined;
    seen.add(body);
    return seen.size % 3 === 1 ? { after: () => gatewayPage(504) } : undefined;
  };
}

describe("import with --concurrency above 1 and repeated users", () => {
  it("propeller, --chunk-size 1 --concurrency 4: each user holds its last record's values", async () => {
    const sim = createPropellerSimulator({
      faults: { script: losingEveryThird("bulkUsersBySourceId") },
    });
    const { url } = await serve(sim);
    const records = Array.from({ length: ROUNDS * USERS }, (_, i) => ({
      source: "crm",
      sourceId: `u-${i % USERS}`,
      firstName: `v${i}`,
    }));
    const report = file("propeller-report.ndjson");
    const result = await cli(
      [
        "import",
        "propeller",
        file("propeller.ndjson", ndjson(records)),
        "--base-url",
        url,
        "--client-id",
        CREDS.clientId,
        "--chunk-size",
        "1",
        "--concurrency",
        "4",
        "--journal",
        file("propeller.journal"),
        "--report",
        report,
      ],
      { env: { PROPELLER_CLIENT_SECRET: CREDS.clientSecret } },
    );
    expect(result.code, result.all).toBe(0);
    const lines = readFileSync(report, "utf8").trim().split("\n");
    expect(lines.filter((l) => l.includes('"outcome"')).length).toBeGreaterThanOrEqual(
      ROUNDS * USERS,
    );
    // 8 of the 24 requests' answers were lost.
    expect(sim.stats().faults["scripted"]).toBe(8);
    const held = new Map(sim.users().map((u) => [u.sourceId, u.fields.firstName]));
    expect(held).toEqual(
      new Map(Array.from({ length: USERS }, (_, u) => [`u-${u}`, `v${(ROUNDS - 1) * USERS + u}`])),
    );
  }, 60_000);

  it("fullstory, --chunk-size 2 --concurrency 2: each user holds its last record's values", async () => {
    const sim = createFullStorySimulator({
      processingPolls: 0,
      faults: { script: losingEveryThird("createBatchImport") },
    });
    const { url } = await serve(sim);
    const records = Array.from({ length: ROUNDS * USERS }, (_, i) => ({
      uid: `u-${i % USERS}`,
      display_name: `v${i}`,
    }));
    const result = await cli([
      "import",
      "fullstory",
      file("fullstory.ndjson", ndjson(records)),
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      ...FAST_POLL,
      "--chunk-size",
      "2",
      "--concurrency",
      "2",
    ]);
    expect(result.code, result.all).toBe(0);
    // 4 of the 12 batches' answers were lost.
    expect(sim.stats().faults["scripted"]).toBe(4);
    const held = new Map(sim.users().map((u) => [u.uid, u.display_name]));
    expect(held).toEqual(
      new Map(Array.from({ length: USERS }, (_, u) => [`u-${u}`, `v${(ROUNDS - 1) * USERS + u}`])),
    );
    expect(sim.stats().duplicates).toBe(0);
  }, 60_000);
});
