// onRetry events are for logs: a vendor id in a retried path that echoes the credential is scrubbed.
import { HttpResponse, http } from "msw";
import { expect, it } from "vitest";
import type { RetryEvent } from "../../src/core/http/transport.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { createUserpilotClient, importUsers } from "../../src/userpilot/index.js";
import { HOSTS, useMswServer } from "../support/msw.js";
import { expectNoSecret } from "../hostile/leaks.js";

const server = useMswServer();
const faker = seededFaker("retry events scrubbed");

it("Userpilot: a job id echoing the API key does not reach onRetry events (a retried poll's path)", async () => {
  const apiKey = `upk${faker.string.alphanumeric({ length: 32 })}`;
  let jobId = "";
  let polls = 0;
  server.use(
    http.post(`${HOSTS.userpilot}/v1/users/bulk_identify`, ({ request }) => {
      jobId = `job-${(request.headers.get("authorization") ?? "").replace("Token ", "")}`;
      return HttpResponse.json({ job_id: jobId, status: "queued" }, { status: 202 });
    }),
    http.get(`${HOSTS.userpilot}/v1/background_jobs/:id`, () => {
      polls += 1;
      if (polls === 1)
        return new HttpResponse("busy", { status: 503, headers: { "Retry-After": "0" } });
      return HttpResponse.json({
        job_id: jobId,
        status: "completed",
        total_rows: 1,
        completed_rows: 1,
      });
    }),
  );
  const events: RetryEvent[] = [];
  const client = createUserpilotClient({
    apiKey,
    sleep: async () => {},
    onRetry: (event) => events.push(event),
  });
  const report = await importUsers(client, [{ user_id: faker.string.uuid() }], {
    sleep: async () => {},
  });
  expect(jobId).toContain(apiKey);
  expect(events.length).toBeGreaterThan(0);
  expectNoSecret(JSON.stringify(report), [apiKey]);
  for (const event of events) expectNoSecret(event, [apiKey]);
});
