// One typed call per vendor, end to end through openapi-fetch and msw: the generated types, the client
// factory and the default hosts fit together.
import { HttpResponse } from "msw";
import { createOpenApiHttp } from "openapi-msw";
import { describe, expect, it } from "vitest";
import type { paths as FullStoryPaths } from "../generated/fullstory.js";
import type { paths as PropellerPaths } from "../generated/propeller.js";
import type { paths as SlashIdPaths } from "../generated/slashid.js";
import type { paths as UserpilotPaths } from "../generated/userpilot.js";
import { createFullStoryClient } from "../src/fullstory/client.js";
import { createPropellerClient } from "../src/propeller/client.js";
import { createSlashIdClient } from "../src/slashid/client.js";
import { createUserpilotClient } from "../src/userpilot/client.js";
import { HOSTS, useMswServer } from "./support/msw.js";

const server = useMswServer();

describe("a typed client per vendor", () => {
  it("FullStory: creates a batch import and reads the job id", async () => {
    const http = createOpenApiHttp<FullStoryPaths>({ baseUrl: HOSTS.fullstory });
    server.use(
      http.post("/v2/users/batch", async ({ request, response }) => {
        const body = await request.json();
        return response(200).json({
          job: {
            id: `job-${body.requests.length}`,
            status: "PROCESSING",
            created: "2026-01-01T00:00:00Z",
          },
        });
      }),
    );
    const client = createFullStoryClient({ apiKey: "na1.smoke-test-key" });
    const result = await client.createBatchImport({
      body: { requests: [{ uid: "u1" }, { uid: "u2" }] },
    });
    expect(result.ok && result.data.job).toEqual({
      id: "job-2",
      status: "PROCESSING",
      created: "2026-01-01T00:00:00Z",
    });
  });

  it("SlashID: uploads a CSV and reads the import counts", async () => {
    const http = createOpenApiHttp<SlashIdPaths>({ baseUrl: HOSTS.slashid });
    server.use(
      http.post("/persons/bulk-import", async ({ request, response }) => {
        const file = (await request.formData()).get("persons") as File;
        const rows = (await file.text()).trim().split("\n").length - 1;
        return response(200).json({ result: { successful_imports: rows, failed_imports: 0 } });
      }),
    );
    const client = createSlashIdClient({ apiKey: "slashid-smoke-key", orgId: "org-1" });
    const result = await client.bulkImportPersons({
      body: { persons: "slashid:emails\na@example.com\n" },
    });
    expect(result.ok && result.data.result).toEqual({ successful_imports: 1, failed_imports: 0 });
  });

  it("Propeller: fetches a token, then bulk-upserts users", async () => {
    const http = createOpenApiHttp<PropellerPaths>({ baseUrl: HOSTS.propeller });
    server.use(
      http.post("/oauth2/token", ({ response }) =>
        response(200).json({
          access_token: "smoke-token-1",
          expires_in: 1800,
          token_type: "Bearer",
        }),
      ),
      http.post("/v2/users/bulk/sourceId", async ({ request, response }) => {
        if (request.headers.get("authorization") !== "Bearer smoke-token-1") {
          return response.untyped(HttpResponse.json({ error: "no token" }, { status: 500 }));
        }
        const body = await request.json();
        return response(200).json({
          data: body.users.map((u, i) => ({
            action: "create",
            id: i + 1,
            key: u.sourceId,
            lookupKey: "sourceId",
            success: true,
          })),
          messages: ["Completed"],
          total: body.users.length,
        });
      }),
    );
    const client = createPropellerClient({ clientId: "client", clientSecret: "smoke-secret" });
    const result = await client.bulkUsersBySourceId({
      body: { users: [{ source: "crm", sourceId: "s-1" }] },
    });
    expect(result.ok && result.data.data[0]).toMatchObject({
      action: "create",
      key: "s-1",
      success: true,
    });
  });

  it("Userpilot: starts a bulk identify job and reads its id", async () => {
    const http = createOpenApiHttp<UserpilotPaths>({ baseUrl: HOSTS.userpilot });
    server.use(
      http.post("/v1/users/bulk_identify", ({ response }) =>
        response(202).json({ job_id: "users:job:1", status: "queued" }),
      ),
    );
    const client = createUserpilotClient({ apiKey: "userpilot-smoke-key" });
    const result = await client.bulkIdentifyUsers({ body: { users: [{ user_id: "u1" }] } });
    expect(result.ok && result.status === 202 && result.data.job_id).toBe("users:job:1");
  });
});
