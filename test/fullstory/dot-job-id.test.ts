// A FullStory (or a proxy in front of it) whose create answer names the job `..` or `.`: polled as it is, the
// job's URL would resolve to another path of the host (`/v2/users/batch/..` is `/v2/users/`, its imports
// `/v2/users/imports`, user "imports"). The answer names no job that can be followed: it is as lost as a
// 502's, and nothing is asked anywhere else.
import { expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/import.js";
import { json } from "../../src/testing/faults.js";
import { matching } from "../support/matchers.js";
import { HOSTS, useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory } from "./harness.js";

const server = useMswServer();

it.each(["..", "."])("a create answered with job id %j polls no other path", async (id) => {
  mountFullStory(server, {
    faults: {
      script: ({ operation }) =>
        operation === "createBatchImport"
          ? {
              after: async (answer) => {
                const body = (await answer.json()) as { job: object };
                return json({ job: { ...body.job, id } }, answer.status);
              },
            }
          : undefined,
    },
  });
  const paths: string[] = [];
  const record = ({ request }: { request: Request }) => {
    paths.push(`${request.method} ${new URL(request.url).pathname}`);
  };
  server.events.on("request:start", record);
  const client = createFullStoryClient({ apiKey: API_KEY, baseUrl: HOSTS.fullstory });

  const report = await importUsers(client, [{ uid: "u-1", email: "u.1@example.com" }], {
    pollIntervalMs: 1,
    maxPollIntervalMs: 1,
    replayDelayMs: 0,
    sleep: async () => {},
  });
  server.events.removeListener("request:start", record);

  expect(new Set(paths)).toEqual(new Set(["POST /v2/users/batch"]));
  expect(report.outcomes).toEqual([
    {
      index: 0,
      key: "u-1",
      outcome: "failed",
      code: "malformed",
      reason: matching(/job id "\.\.?", which names no job's path; .* may hold this user/),
      vendorMayHold: true,
    },
  ]);
});
