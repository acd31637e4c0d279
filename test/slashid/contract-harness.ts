// SlashID's contract harness (test/contract/harness.ts): how to make its client, the credential its
// security scheme must carry, and a typed request builder per operation, made from the faker fixtures.
import { createOpenApiHttp } from "openapi-msw";
import type { paths as SlashIdPaths } from "../../generated/slashid.js";
import { operations as slashIdOperations } from "../../generated/slashid.operations.js";
import { createSlashIdClient, type SlashIdClient } from "../../src/slashid/client.js";
import { slashIdCredentials, slashIdImport } from "../../src/testing/fixtures/slashid.js";
import type { RequestBuilders, VendorHarness } from "../contract/harness.js";
import { expectHeader, operationsOf } from "../contract/harness-kit.js";
import { routesOf } from "../support/mock-vendor.js";
import { HOSTS } from "../support/msw.js";

const slashIdRequests: RequestBuilders<SlashIdClient, typeof slashIdOperations> = {
  getPersonsBulkImportTemplate: () => ({}),
  bulkImportPersons: (f) => ({ body: slashIdImport(f, f.number.int({ min: 1, max: 6 })) }),
};

/** How the contract tests drive SlashID's client. */
export const slashIdHarness: VendorHarness = {
  vendor: "slashid",
  operations: slashIdOperations,
  route: routesOf(createOpenApiHttp<SlashIdPaths>({ baseUrl: HOSTS.slashid })),
  requests: slashIdRequests,
  start(f, mock) {
    const { apiKey, orgId } = slashIdCredentials(f);
    mock.credentials = {
      ApiKeyAuth: (request) =>
        expectHeader(request, "SlashID-API-Key", apiKey, "the client's API key") ??
        expectHeader(request, "SlashID-OrgID", orgId, "the client's organization id"),
    };
    return {
      secrets: () => [apiKey],
      handlers: [],
      client: (setup) => operationsOf(createSlashIdClient({ apiKey, orgId, ...setup })),
    };
  },
};
