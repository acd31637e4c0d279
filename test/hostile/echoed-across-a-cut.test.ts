// A vendor text that an adapter cuts short before the engine scrubs it: a credential it echoed across the
// cut leaves its first characters, too few (under 6) for the engine's run scrubbing to recognise. Each text
// must be scrubbed before it is cut, as the Userpilot job error is (echoed-in-outcomes.test.ts).
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import {
  createFullStoryClient,
  importUsers as importFullStory,
} from "../../src/fullstory/index.js";
import {
  createPropellerClient,
  importUsers as importPropeller,
} from "../../src/propeller/index.js";
import { json, type ScriptAction } from "../../src/testing/faults.js";
import { API_KEY, mountFullStory } from "../fullstory/harness.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const token = "Tq4Zw-rV8kLm2Xp9sB6nHc3J";
const quiet = { sleep: async () => {} };

/** The one text of the one record's outcome: its reason, or its warning. */
function textOf(report: ImportReport): string {
  const [outcome] = report.outcomes;
  if (outcome === undefined) throw new Error("no outcome");
  if (outcome.outcome === "imported") return outcome.warning ?? "";
  return outcome.reason;
}

/** FullStory answering each status of a job with `field` of the job set to `value`. */
function fullStoryJobWith(field: "status" | "id", value: string): void {
  mountFullStory(server, {
    faults: {
      script: (call): ScriptAction | undefined =>
        call.operation === "getBatchImportStatus"
          ? {
              after: async (answer) => {
                const body = (await answer.json()) as { job: object };
                return json({ ...body, job: { ...body.job, [field]: value } });
              },
            }
          : undefined,
    },
  });
}

/** Propeller answering each user's result as `result` makes it from the Authorization header's token. */
function propellerAnswering(result: (token: string) => Record<string, unknown>) {
  server.use(
    http.post(`${HOSTS.propeller}/oauth2/token`, () =>
      HttpResponse.json({ access_token: token, expires_in: 1800, token_type: "Bearer" }),
    ),
    http.post(`${HOSTS.propeller}/v2/users/bulk/sourceId`, async ({ request }) => {
      const sent = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
      const { users } = (await request.json()) as { users: { sourceId: string }[] };
      return HttpResponse.json({
        data: users.map((user) => ({ key: user.sourceId, lookupKey: "sourceId", ...result(sent) })),
        messages: ["Completed"],
        total: users.length,
      });
    }),
  );
  const client = createPropellerClient({ clientId: "c-1", clientSecret: "s-Hq83kdLz01", ...quiet });
  return importPropeller(client, [{ source: "crm", sourceId: "1" }], quiet);
}

describe("a credential echoed across an adapter's cut leaves none of its characters", () => {
  it("Propeller: a user's error given as an object, cut at 300 characters of its JSON", async () => {
    // `{"detail":"` is 11 characters: the token starts at the 296th, so 5 of it are before the cut.
    const report = await propellerAnswering((sent) => ({
      action: "create",
      success: false,
      error: { detail: `${"x".repeat(284)}${sent}` },
    }));
    expect(report.failed).toBe(1);
    expect(textOf(report)).not.toContain(token.slice(0, 5));
  });

  it("Propeller: an action it does not document, cut at 100 characters of its JSON", async () => {
    const report = await propellerAnswering((sent) => ({
      action: `${"x".repeat(94)}${sent}`,
      success: true,
    }));
    expect(report.imported).toBe(1);
    expect(textOf(report)).toMatch(/which its documentation does not name/);
    expect(textOf(report)).not.toContain(token.slice(0, 5));
  });

  it("FullStory: a job status it does not document, cut at 100 characters of its JSON", async () => {
    fullStoryJobWith("status", `${"x".repeat(94)}${API_KEY}`);
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const report = await importFullStory(client, [{ uid: "u-0" }], {
      ...quiet,
      // The sleeps return at once; the job's time is the waits handed out: two polls, then its timeout.
      pollIntervalMs: 800,
      replayDelayMs: 0,
      jobTimeoutMs: 100,
    });
    expect(textOf(report)).toMatch(/which FullStory does not document/);
    expect(textOf(report)).not.toContain(API_KEY.slice(0, 5));
  });

  it("FullStory: the id of another job a status names, cut at 200 characters of its JSON", async () => {
    // `"` opens the JSON text: the key starts at the 196th character, so 5 of it are before the cut.
    fullStoryJobWith("id", `${"x".repeat(194)}${API_KEY}`);
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const report = await importFullStory(client, [{ uid: "u-0" }], { ...quiet, replayDelayMs: 0 });
    expect(textOf(report)).toMatch(/with the status of job "x/);
    expect(textOf(report)).not.toContain(API_KEY.slice(0, 5));
  });
});
