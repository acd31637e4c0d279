// Userpilot's contract harness (test/contract/harness.ts): how to make its client, the credential its
// security scheme must carry, and a typed request builder per operation, made from the faker fixtures.
import { createOpenApiHttp } from "openapi-msw";
import type { paths as UserpilotPaths } from "../../generated/userpilot.js";
import { operations as userpilotOperations } from "../../generated/userpilot.operations.js";
import { createUserpilotClient, type UserpilotClient } from "../../src/userpilot/client.js";
import {
  userpilotApiKey,
  userpilotCompaniesBulk,
  userpilotJobId,
  userpilotUsersBulk,
} from "../../src/testing/fixtures/userpilot.js";
import type { RequestBuilders, VendorHarness } from "../contract/harness.js";
import { expectHeader, operationsOf } from "../contract/harness-kit.js";
import { routesOf } from "../support/mock-vendor.js";
import { HOSTS } from "../support/msw.js";

const userpilotRequests: RequestBuilders<UserpilotClient, typeof userpilotOperations> = {
  bulkIdentifyUsers: (f) => ({ body: userpilotUsersBulk(f, f.number.int({ min: 1, max: 5 })) }),
  bulkIdentifyCompanies: (f) => ({
    body: userpilotCompaniesBulk(f, f.number.int({ min: 1, max: 5 })),
  }),
  listBackgroundJobs: () => ({}),
  getBackgroundJob: (f) => ({ params: { path: { job_id: userpilotJobId(f) } } }),
};

/** How the contract tests drive Userpilot's client. */
export const userpilotHarness: VendorHarness = {
  vendor: "userpilot",
  operations: userpilotOperations,
  route: routesOf(createOpenApiHttp<UserpilotPaths>({ baseUrl: HOSTS.userpilot })),
  requests: userpilotRequests,
  start(f, mock) {
    const apiKey = userpilotApiKey(f);
    mock.credentials = {
      ApiKeyAuth: (request) =>
        expectHeader(request, "Authorization", `Token ${apiKey}`, "`Token <API key>`"),
    };
    return {
      secrets: () => [apiKey],
      handlers: [],
      client: (setup) => operationsOf(createUserpilotClient({ apiKey, ...setup })),
    };
  },
};
