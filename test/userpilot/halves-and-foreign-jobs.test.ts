// Report truth of the Userpilot adapter around lost answers, 413 halves and jobs a 202 names, and the
// environment option, which names the host the API key goes to.
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { json } from "../../src/testing/faults.js";
import type { UserpilotSimulatorOptions } from "../../src/testing/userpilot.js";
import { userpilotError } from "../../src/testing/userpilot/errors.js";
import { createUserpilotClient, type UserpilotEnvironment } from "../../src/userpilot/client.js";
import { journalFile } from "../support/journal-file.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import {
  acceptedAs,
  bodyBytes,
  dropAfter,
  run,
  userpilot,
  users,
  type ScriptPlan,
} from "./harness.js";

const msw = useMswServer();
const vendor = (options?: UserpilotSimulatorOptions, plan?: ScriptPlan) =>
  userpilot(msw, options, plan);
const options = { chunkRecords: 4, conflictWaitMs: 50, replayDelayMs: 0 };

describe("413 halves: a lost answer in the first half, then a fatal answer to the second half's send", () => {
  it.each([4, 8])(
    "the first half's users say Userpilot may hold them (its job holds them): %i users",
    async (n) => {
      // 8 users: split twice (8 → 4 → 2), the 401 answers the second quarter.
      const records = users(n);
      const splits = n === 4 ? 1 : 2;
      const up = vendor(
        { maxBytes: bodyBytes(records.slice(0, 2)), stepMs: 0 },
        {
          bulkIdentifyUsers: {
            // The whole chunk (and for 8, its first half): 413 by the simulator's limit. Then the first
            // two users, processed, answer lost; then the next two: the key was revoked meanwhile.
            [splits + 1]: dropAfter,
            [splits + 2]: { answer: () => userpilotError(401, "invalid_api_key") },
          },
        },
      );
      const report = await run(records, { ...options, chunkRecords: n });
      expect(report.fatal).toBeDefined();

      const held = new Set(up.sim.users().map((user) => user.user_id));
      expect([...held].sort()).toEqual(["u-0", "u-1"]);
      for (const outcome of report.outcomes.filter((o) => held.has(o.key))) {
        // Failed, and it must not read as a plain failure: Userpilot holds the user.
        expect(outcome.outcome).toBe("failed");
        expect(outcome.outcome === "failed" && outcome.reason).toMatch(/may hold/);
      }
    },
  );
});

describe("a 413 split after a lost send of the whole chunk (re-run with the journal)", () => {
  it("a half's refusal says an earlier try may have reached Userpilot, as the whole chunk's would", async () => {
    const journal = journalFile("userpilot");
    const records = users(2);
    // Run 1: the request is processed (a job of both users) and its answer lost; the run gives up on it.
    const up = vendor({ stepMs: 0 }, { bulkIdentifyUsers: { 1: dropAfter } });
    const first = await run(records, { ...options, journal, chunkAttempts: 1 });
    expect(first.failed).toBe(2);
    expect(up.sim.users()).toHaveLength(2);

    // Run 2: the job list no longer shows that job (paged away), the send is refused as too large by a
    // proxy, and the first half (one user) is refused with a 400.
    up.script({
      listBackgroundJobs: { 1: { answer: () => json([]) } },
      bulkIdentifyUsers: {
        2: { answer: () => userpilotError(413, "payload_too_large") },
        3: { answer: () => userpilotError(400, "invalid_input", "refused") },
      },
    });
    const second = await run(records, { ...options, journal });

    const u0 = second.outcomes.find((o) => o.key === "u-0");
    expect(u0).toMatchObject({ outcome: "failed", code: "invalid_input" });
    expect(u0?.outcome === "failed" && u0.reason).toMatch(/may hold this record/);
  });
});

describe("a 202 without total_rows naming a job that is not the request's", () => {
  it.each([
    ["more rows than were sent", 10],
    ["fewer rows than the users' distinct user_ids, once the job ended", 2],
  ])("is not taken for the request's job when its status shows %s", async (_, rows) => {
    const up = vendor({ stepMs: 0 });
    // Another process's job; the answer to the request names it.
    const foreign = up.sim.startForeignJob({ rows });
    up.script({
      bulkIdentifyUsers: {
        1: acceptedAs(foreign),
      },
    });
    const report = await run(users(4), options);

    expectEveryRecordOnce(report, 4);
    const held = new Set(up.sim.users().map((user) => user.user_id));
    const unheldImported = report.outcomes.filter(
      (o) => o.outcome === "imported" && !held.has(o.key),
    );
    expect(unheldImported.map((o) => o.key)).toEqual([]);
  });
});

describe("Userpilot's environment option", () => {
  it("an environment that is not one of Userpilot's never sends the API key to another host", async () => {
    const seen: string[] = [];
    msw.use(
      http.all("https://evil.example/*", ({ request }) => {
        seen.push(request.headers.get("authorization") ?? "");
        return HttpResponse.json({ job_id: "j:1", status: "queued" }, { status: 202 });
      }),
    );
    // An environment read from configuration (USERPILOT_ENVIRONMENT) by a program using the library.
    const environment = "evil.example/#" as UserpilotEnvironment;
    let thrown: unknown;
    try {
      const client = createUserpilotClient({ apiKey: "up-secret-key-1", environment });
      await client.bulkIdentifyUsers({ body: { users: [{ user_id: "u-1" }] } });
    } catch (error) {
      thrown = error;
    }
    expect(seen, "Authorization headers evil.example received").toEqual([]);
    expect(thrown).toBeInstanceOf(TypeError);
  });
});
