// FullStory's contract harness (test/contract/harness.ts): how to make its client, the credential its
// security scheme must carry, and a typed request builder per operation, made from the faker fixtures.
import { createOpenApiHttp } from "openapi-msw";
import type { paths as FullStoryPaths } from "../../generated/fullstory.js";
import { operations as fullStoryOperations } from "../../generated/fullstory.operations.js";
import { createFullStoryClient, type FullStoryClient } from "../../src/fullstory/client.js";
import { maybe } from "../../src/testing/fixtures/faker.js";
import {
  fullStoryApiKey,
  fullStoryBatch,
  fullStoryCreateUser,
  fullStoryJobId,
  fullStoryPageToken,
  fullStoryUpdateUser,
  fullStoryUserId,
} from "../../src/testing/fixtures/fullstory.js";
import type { RequestBuilders, VendorHarness } from "../contract/harness.js";
import { expectHeader, operationsOf } from "../contract/harness-kit.js";
import { routesOf } from "../support/mock-vendor.js";
import { HOSTS } from "../support/msw.js";

const fullStoryRequests: RequestBuilders<FullStoryClient, typeof fullStoryOperations> = {
  createBatchImport: (f) => ({ body: fullStoryBatch(f, f.number.int({ min: 1, max: 5 })) }),
  getBatchImportStatus: (f) => ({ params: { path: { job_id: fullStoryJobId(f) } } }),
  getBatchImports: (f) => ({
    params: {
      path: { job_id: fullStoryJobId(f) },
      query: {
        ...maybe(f, "page_token", () => fullStoryPageToken(f)),
        ...maybe(f, "include_schema", () => f.datatype.boolean()),
      },
    },
  }),
  getBatchImportErrors: (f) => ({
    params: {
      path: { job_id: fullStoryJobId(f) },
      query: { ...maybe(f, "page_token", () => fullStoryPageToken(f)) },
    },
  }),
  createUser: (f) => ({ body: fullStoryCreateUser(f) }),
  getUser: (f) => ({
    params: {
      path: { id: fullStoryUserId(f) },
      query: { ...maybe(f, "include_schema", () => f.datatype.boolean()) },
    },
  }),
  updateUser: (f) => ({
    params: { path: { id: fullStoryUserId(f) } },
    body: fullStoryUpdateUser(f),
  }),
};

/** How the contract tests drive FullStory's client. */
export const fullStoryHarness: VendorHarness = {
  vendor: "fullstory",
  operations: fullStoryOperations,
  route: routesOf(createOpenApiHttp<FullStoryPaths>({ baseUrl: HOSTS.fullstory })),
  requests: fullStoryRequests,
  start(f, mock) {
    const apiKey = fullStoryApiKey(f);
    mock.credentials = {
      BasicApiKey: (request) =>
        expectHeader(request, "Authorization", `Basic ${apiKey}`, "`Basic <the raw API key>`"),
    };
    return {
      secrets: () => [apiKey],
      handlers: [],
      client: (setup) => operationsOf(createFullStoryClient({ apiKey, ...setup })),
    };
  },
};
