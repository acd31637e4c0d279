// A vendor (or a proxy) that echoes the request's credential in the job id it answers: adapters checkpoint
// the job id into the journal, so the journal must scrub it like every other vendor text it records.
import { readFileSync } from "node:fs";
import { HttpResponse, http } from "msw";
import { expect, it } from "vitest";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { createUserpilotClient, importUsers } from "../../src/userpilot/index.js";
import { journalFile } from "../support/journal-file.js";
import { HOSTS, useMswServer } from "../support/msw.js";
import { expectNoSecret } from "./leaks.js";

const server = useMswServer();
const faker = seededFaker("echoed in journal");

it("Userpilot: a job id quoting the Authorization header is scrubbed in the journal", async () => {
  const apiKey = `upk${faker.string.alphanumeric({ length: 32 })}`;
  let jobId = "";
  server.use(
    http.post(`${HOSTS.userpilot}/v1/users/bulk_identify`, ({ request }) => {
      jobId = `job:${request.headers.get("authorization") ?? ""}`;
      return HttpResponse.json({ job_id: jobId, status: "queued" }, { status: 202 });
    }),
    http.get(`${HOSTS.userpilot}/v1/background_jobs/:id`, () =>
      HttpResponse.json({ job_id: jobId, status: "completed", total_rows: 1, completed_rows: 1 }),
    ),
  );
  const journal = journalFile("userpilot-echo");
  const client = createUserpilotClient({ apiKey, sleep: async () => {} });

  const report = await importUsers(client, [{ user_id: faker.string.uuid() }], {
    journal,
    sleep: async () => {},
  });

  expect(jobId).toContain(apiKey);
  expectNoSecret(JSON.stringify(report), [apiKey]);
  expectNoSecret(readFileSync(journal, "utf8"), [apiKey]);
  expect(readFileSync(journal, "utf8")).toContain('"kind":"state"');
});
