// A vendor (or a proxy) that echoes the request's credential in the per-record failure text of a SUCCESSFUL
// answer: that text becomes the record's `reason`, so it must be scrubbed before the report, the journal or
// `onOutcome` holds it, for every vendor, whole or as the piece a vendor's truncation left.
import { readFileSync } from "node:fs";
import { HttpResponse, http } from "msw";
import { expect, it } from "vitest";
import type { ImportReport, RecordOutcome } from "../../src/core/engine/report.js";
import {
  createFullStoryClient,
  importUsers as importFullStory,
} from "../../src/fullstory/index.js";
import {
  createPropellerClient,
  importUsers as importPropeller,
} from "../../src/propeller/index.js";
import { createSlashIdClient, importUsers as importSlashId } from "../../src/slashid/index.js";
import {
  createUserpilotClient,
  importUsers as importUserpilot,
} from "../../src/userpilot/index.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { createFullStorySimulator } from "../../src/testing/fullstory.js";
import { simulatorHandlers } from "../../src/testing/msw.js";
import { journalFile } from "../support/journal-file.js";
import { HOSTS, useMswServer } from "../support/msw.js";
import { expectNoSecret } from "./leaks.js";

const server = useMswServer();
const faker = seededFaker("echoed in outcomes");
const secret = (prefix = "") => prefix + faker.string.alphanumeric({ length: 32 });
const quiet = { sleep: async () => {} };
// The engine's waits (polls, replays) return at once: nothing here depends on time.
const noWaits = { sleep: async () => {} };

/** Runs `run` with a journal and an `onOutcome` log, and checks no secret is in any of the three. */
async function expectScrubbed(
  vendor: string,
  secrets: readonly string[],
  run: (options: {
    journal: string;
    onOutcome: (outcome: RecordOutcome) => void;
    sleep: () => Promise<void>;
  }) => Promise<ImportReport>,
): Promise<ImportReport> {
  const journal = journalFile(vendor);
  const seen: RecordOutcome[] = [];
  const report = await run({ journal, onOutcome: (outcome) => seen.push(outcome), ...noWaits });
  expect(report.failed).toBe(1);
  expect(report.outcomes[0]?.outcome === "failed" && report.outcomes[0].reason).toMatch(
    /\[REDACTED\]/,
  );
  expectNoSecret(JSON.stringify(report), secrets);
  expectNoSecret(readFileSync(journal, "utf8"), secrets);
  expectNoSecret(JSON.stringify(seen), secrets);
  return report;
}

it("Propeller: a user's `error` quoting the bearer token", async () => {
  const clientSecret = secret();
  const token = secret();
  server.use(
    http.post(`${HOSTS.propeller}/oauth2/token`, () =>
      HttpResponse.json({ access_token: token, expires_in: 1800, token_type: "Bearer" }),
    ),
    http.post(`${HOSTS.propeller}/v2/users/bulk/sourceId`, async ({ request }) => {
      const { users } = (await request.json()) as { users: { sourceId: string }[] };
      return HttpResponse.json({
        data: users.map((user) => ({
          action: "create",
          key: user.sourceId,
          lookupKey: "sourceId",
          success: false,
          error: `not permitted for ${request.headers.get("authorization")}`,
        })),
        messages: ["Completed"],
        total: users.length,
      });
    }),
  );
  const client = createPropellerClient({ clientId: faker.string.uuid(), clientSecret, ...quiet });
  await expectScrubbed("propeller", [clientSecret, token], (options) =>
    importPropeller(client, [{ source: "crm", sourceId: "1" }], options),
  );
});

it("Userpilot: a failed job's `error` quoting the API key across the adapter's 500-character cut", async () => {
  const apiKey = secret();
  let credential = "";
  server.use(
    http.post(`${HOSTS.userpilot}/v1/users/bulk_identify`, ({ request }) => {
      credential = request.headers.get("authorization") ?? "";
      return HttpResponse.json({ job_id: "job-1", status: "queued" }, { status: 202 });
    }),
    http.get(`${HOSTS.userpilot}/v1/background_jobs/:id`, () =>
      HttpResponse.json({
        job_id: "job-1",
        status: "failed",
        total_rows: 1,
        completed_rows: 0,
        // The credential's middle falls on the 500th character: only its first half survives the cut.
        error: `${"x".repeat(500 - Math.floor(credential.length / 2))}${credential} was refused`,
      }),
    ),
  );
  const client = createUserpilotClient({ apiKey, ...quiet });
  await expectScrubbed("userpilot", [apiKey], (options) =>
    importUserpilot(client, [{ user_id: "u-1" }], options),
  );
});

it("Userpilot: a key cut to 5 characters by the adapter's 500-character cut was scrubbed before the cut", async () => {
  const apiKey = secret();
  server.use(
    http.post(`${HOSTS.userpilot}/v1/users/bulk_identify`, () =>
      HttpResponse.json({ job_id: "job-1", status: "queued" }, { status: 202 }),
    ),
    http.get(`${HOSTS.userpilot}/v1/background_jobs/:id`, () =>
      HttpResponse.json({
        job_id: "job-1",
        status: "failed",
        error: `${"x".repeat(495)}${apiKey} was refused`,
      }),
    ),
  );
  const client = createUserpilotClient({ apiKey, ...quiet });
  const report = await importUserpilot(client, [{ user_id: "u-1" }], noWaits);
  const [outcome] = report.outcomes;
  if (outcome?.outcome !== "failed") throw new Error("expected the user to fail");
  // Five characters are too few for the engine's run scrubbing to recognise once cut.
  expect(outcome.reason).not.toContain(apiKey.slice(0, 5));
  expect(outcome.reason).toContain(`error: ${"x".repeat(495)}[REDA`);
});

it("SlashID: a `failed_csv` reason quoting the SlashID-API-Key", async () => {
  const apiKey = secret();
  const email = faker.internet.email().toLowerCase();
  server.use(
    http.post(`${HOSTS.slashid}/persons/bulk-import`, ({ request }) =>
      HttpResponse.json({
        result: {
          successful_imports: 0,
          failed_imports: 1,
          failed_csv:
            '"slashid:emails","reason"\n' +
            `"${email}","key ${request.headers.get("slashid-api-key")} lacks the admin role"\n`,
        },
      }),
    ),
  );
  const client = createSlashIdClient({ apiKey, orgId: faker.string.uuid(), ...quiet });
  await expectScrubbed("slashid", [apiKey], (options) =>
    importSlashId(client, [{ emails: [email], region: "europe-belgium" }], options),
  );
});

it("FullStory: a getBatchImportErrors `message` quoting the API key", async () => {
  const apiKey = secret("na1.");
  const sim = createFullStorySimulator({
    apiKey,
    processingPolls: 0,
    faults: {
      rejectRate: 1,
      script: ({ operation, request }) =>
        operation === "getBatchImportErrors"
          ? {
              after: async (answer) => {
                const body = (await answer.json()) as { results?: { message: string }[] };
                for (const result of body.results ?? []) {
                  result.message += ` (${request.headers.get("authorization")})`;
                }
                return Response.json(body, { status: answer.status });
              },
            }
          : undefined,
    },
  });
  server.use(...simulatorHandlers(sim, HOSTS.fullstory));
  const client = createFullStoryClient({ apiKey, ...quiet });
  await expectScrubbed("fullstory", [apiKey], (options) =>
    importFullStory(client, [{ uid: "u-1", email: faker.internet.email() }], options),
  );
});
