// FullStory answers as its own published documents show them (reference/fullstory-users.swagger.json examples),
// not as our simulator answers.
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { createFullStoryClient, importUsers } from "../../src/fullstory/index.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();
const API_KEY = "na1.Vq7Rk2Lw9Xc4Tz";
const base = HOSTS.fullstory;

describe("FullStory's documented imports list", () => {
  it("a page of imported users shaped as FullStory's published example (no id) counts them imported", async () => {
    // GetBatchUserImportsResponse's example in FullStory's Swagger: results carry uid, display_name, email,
    // properties, schema: null, type_conflicts: null, and no id.
    server.use(
      http.post(`${base}/v2/users/batch`, () =>
        HttpResponse.json({
          job: { id: "otpo123", status: "PROCESSING", created: "2019-04-18T14:36:11.123Z" },
        }),
      ),
      http.get(`${base}/v2/users/batch/otpo123`, () =>
        HttpResponse.json({
          imports: 2,
          errors: 0,
          job: {
            id: "otpo123",
            status: "COMPLETED",
            created: "2019-04-18T14:36:11.123Z",
            finished: "2019-04-18T14:37:11.123Z",
          },
        }),
      ),
      http.get(`${base}/v2/users/batch/otpo123/imports`, () =>
        HttpResponse.json({
          results: [
            {
              uid: "xyz123",
              display_name: "Daniel Falko",
              email: "daniel.falko@example.com",
              properties: { pricing_plan: "paid", popup_help: true, total_spent: 14.55 },
              schema: null,
              type_conflicts: null,
            },
            {
              uid: "xyz124",
              display_name: "Steve Falko",
              email: "steve.falko@example.com",
              properties: { pricing_plan: "paid", popup_help: true, total_spent: 14.55 },
              schema: null,
              type_conflicts: null,
            },
          ],
          total_records: "2",
        }),
      ),
      http.get(`${base}/v2/users/batch/otpo123/errors`, () =>
        HttpResponse.json({ results: [], total_records: "0" }),
      ),
    );
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const report = await importUsers(
      client,
      [
        { uid: "xyz123", display_name: "Daniel Falko", email: "daniel.falko@example.com" },
        { uid: "xyz124", display_name: "Steve Falko", email: "steve.falko@example.com" },
      ],
      { pollIntervalMs: 1, replayDelayMs: 1, chunkAttempts: 2 },
    );
    expect(
      report.outcomes.map((o) => [o.key, o.outcome, o.outcome === "failed" ? o.reason : ""]),
    ).toEqual([
      ["xyz123", "imported", ""],
      ["xyz124", "imported", ""],
    ]);
  });
});
