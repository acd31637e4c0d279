// Propeller's contract harness (test/contract/harness.ts): how to make its client, the credential its
// security scheme must carry, its token endpoint (which the other calls need), and a typed request builder
// per operation, made from the faker fixtures.
import { HttpResponse } from "msw";
import { createOpenApiHttp } from "openapi-msw";
import type { paths as PropellerPaths } from "../../generated/propeller.js";
import { operations as propellerOperations } from "../../generated/propeller.operations.js";
import { createPropellerClient, type PropellerClient } from "../../src/propeller/client.js";
import {
  propellerBulk,
  propellerCredentials,
  propellerToken,
} from "../../src/testing/fixtures/propeller.js";
import type { RequestBuilders, VendorHarness } from "../contract/harness.js";
import { expectHeader, operationsOf } from "../contract/harness-kit.js";
import { routesOf } from "../support/mock-vendor.js";
import { HOSTS } from "../support/msw.js";

const propellerRequests: RequestBuilders<PropellerClient, typeof propellerOperations> = {
  bulkUsersBySourceId: (f) => ({ body: propellerBulk(f, f.number.int({ min: 1, max: 5 })) }),
  getAccessToken: (f) => {
    const { clientId, clientSecret } = propellerCredentials(f);
    return {
      body: { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret },
    };
  },
};

/** How the contract tests drive Propeller's client. */
export const propellerHarness: VendorHarness = {
  vendor: "propeller",
  operations: propellerOperations,
  route: routesOf(createOpenApiHttp<PropellerPaths>({ baseUrl: HOSTS.propeller })),
  requests: propellerRequests,
  bearer: { tokenOperationId: "getAccessToken" },
  start(f, mock, underTest) {
    const { clientId, clientSecret } = propellerCredentials(f);
    const issued: string[] = [];
    mock.credentials = {
      oauth2: (request) => {
        const latest = issued.at(-1);
        if (latest === undefined) return "no token was issued before this request";
        return expectHeader(
          request,
          "Authorization",
          `Bearer ${latest}`,
          "`Bearer <the token last issued>`",
        );
      },
    };
    // The token endpoint, unless it is the operation under test: issues a fresh token per request and
    // checks that the client sends its own credentials.
    const tokenRoute = mock.handle("getAccessToken", (attempt) => {
      const form = new URLSearchParams(attempt.body);
      if (form.get("client_id") !== clientId || form.get("client_secret") !== clientSecret) {
        mock.violations.push(
          `getAccessToken request ${attempt.index}: not the client's credentials`,
        );
      }
      const token = propellerToken(f);
      issued.push(token.access_token);
      return HttpResponse.json(token);
    });
    return {
      secrets: () => [clientSecret, ...issued],
      handlers: underTest === "getAccessToken" ? [] : [tokenRoute],
      client: (setup) => operationsOf(createPropellerClient({ clientId, clientSecret, ...setup })),
    };
  },
};
