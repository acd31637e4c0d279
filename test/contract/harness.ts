// One harness per vendor for the contract suite: how to make its client (after msw listens), the
// credential each security scheme must carry, the auxiliary routes a call needs (Propeller's token
// endpoint), and a typed request builder per operation, made from the faker fixtures.
import type { Faker } from "@faker-js/faker";
import { HttpResponse, type HttpHandler } from "msw";
import { createOpenApiHttp } from "openapi-msw";
import type { paths as FullStoryPaths } from "../../generated/fullstory.js";
import { operations as fullStoryOperations } from "../../generated/fullstory.operations.js";
import type { paths as PropellerPaths } from "../../generated/propeller.js";
import { operations as propellerOperations } from "../../generated/propeller.operations.js";
import type { paths as SlashIdPaths } from "../../generated/slashid.js";
import { operations as slashIdOperations } from "../../generated/slashid.operations.js";
import type { paths as UserpilotPaths } from "../../generated/userpilot.js";
import { operations as userpilotOperations } from "../../generated/userpilot.operations.js";
import type { OperationTable } from "../../src/core/client/operation-table.js";
import type { ApiError } from "../../src/core/errors/api-error.js";
import { createFullStoryClient, type FullStoryClient } from "../../src/fullstory/client.js";
import { createPropellerClient, type PropellerClient } from "../../src/propeller/client.js";
import { createSlashIdClient, type SlashIdClient } from "../../src/slashid/client.js";
import { createUserpilotClient, type UserpilotClient } from "../../src/userpilot/client.js";
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
import {
  propellerBulk,
  propellerCredentials,
  propellerToken,
} from "../../src/testing/fixtures/propeller.js";
import { slashIdCredentials, slashIdImport } from "../../src/testing/fixtures/slashid.js";
import {
  userpilotApiKey,
  userpilotCompaniesBulk,
  userpilotJobId,
  userpilotUsersBulk,
} from "../../src/testing/fixtures/userpilot.js";
import { MockVendor, routesOf, type RouteFactory } from "../support/mock-vendor.js";
import { HOSTS } from "../support/msw.js";
import type { Vendor } from "../support/specs.js";

/** What an operation method resolves to, loosely typed for calls chosen at run time. */
export type Outcome =
  | {
      readonly ok: true;
      readonly status: number;
      readonly data: unknown;
      readonly headers: Readonly<Record<string, string>>;
    }
  | {
      readonly ok: false;
      readonly error: ApiError & {
        readonly status: number | string;
        readonly body?: unknown;
        readonly retryAfter?: number | undefined;
        readonly headers?: Readonly<Record<string, string>>;
      };
    };
export type OperationCall = (init: unknown) => Promise<Outcome>;

export interface ClientSetup {
  readonly maxRetries: number;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface VendorSession {
  /** Everything secret the client holds or obtains; none may appear in an error. */
  readonly secrets: () => readonly string[];
  /** Routes the call needs besides the one under test. */
  readonly handlers: readonly HttpHandler[];
  /** Makes the client (call this after msw listens) and returns its operation methods by operationId. */
  readonly client: (setup: ClientSetup) => Readonly<Record<string, OperationCall | undefined>>;
}

export interface VendorHarness {
  readonly vendor: Vendor;
  readonly operations: OperationTable;
  readonly route: RouteFactory;
  /** Typed request builders by operationId. */
  readonly requests: Readonly<Record<string, ((f: Faker) => unknown) | undefined>>;
  /** Bearer auth from a token operation: a 401 elsewhere renews the token once and resends. */
  readonly bearer?: { readonly tokenOperationId: string };
  /** Sets the mock's credential checks and returns what one call needs. */
  start(f: Faker, mock: MockVendor, underTest: string): VendorSession;
}

const operationsOf = (client: object) =>
  client as unknown as Readonly<Record<string, OperationCall | undefined>>;

const expectHeader = (request: Request, name: string, expected: string, what: string) =>
  request.headers.get(name) === expected ? undefined : `${name} is not ${what}`;

// ---- FullStory --------------------------------------------------------------------------------------

type FullStoryInit<K extends keyof typeof fullStoryOperations> = NonNullable<
  Parameters<FullStoryClient[K]>[0]
>;

const fullStoryRequests: {
  [K in keyof typeof fullStoryOperations]: (f: Faker) => FullStoryInit<K>;
} = {
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

const fullstory: VendorHarness = {
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

// ---- SlashID ----------------------------------------------------------------------------------------

type SlashIdInit<K extends keyof typeof slashIdOperations> = NonNullable<
  Parameters<SlashIdClient[K]>[0]
>;

const slashIdRequests: { [K in keyof typeof slashIdOperations]: (f: Faker) => SlashIdInit<K> } = {
  getPersonsBulkImportTemplate: () => ({}),
  bulkImportPersons: (f) => ({ body: slashIdImport(f, f.number.int({ min: 1, max: 6 })) }),
};

const slashid: VendorHarness = {
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

// ---- Propeller --------------------------------------------------------------------------------------

type PropellerInit<K extends keyof typeof propellerOperations> = NonNullable<
  Parameters<PropellerClient[K]>[0]
>;

const propellerRequests: {
  [K in keyof typeof propellerOperations]: (f: Faker) => PropellerInit<K>;
} = {
  bulkUsersBySourceId: (f) => ({ body: propellerBulk(f, f.number.int({ min: 1, max: 5 })) }),
  getAccessToken: (f) => {
    const { clientId, clientSecret } = propellerCredentials(f);
    return {
      body: { grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret },
    };
  },
};

const propeller: VendorHarness = {
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

// ---- Userpilot --------------------------------------------------------------------------------------

type UserpilotInit<K extends keyof typeof userpilotOperations> = NonNullable<
  Parameters<UserpilotClient[K]>[0]
>;

const userpilotRequests: {
  [K in keyof typeof userpilotOperations]: (f: Faker) => UserpilotInit<K>;
} = {
  bulkIdentifyUsers: (f) => ({ body: userpilotUsersBulk(f, f.number.int({ min: 1, max: 5 })) }),
  bulkIdentifyCompanies: (f) => ({
    body: userpilotCompaniesBulk(f, f.number.int({ min: 1, max: 5 })),
  }),
  listBackgroundJobs: () => ({}),
  getBackgroundJob: (f) => ({ params: { path: { job_id: userpilotJobId(f) } } }),
};

const userpilot: VendorHarness = {
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

export const HARNESSES: Readonly<Record<Vendor, VendorHarness>> = {
  fullstory,
  slashid,
  propeller,
  userpilot,
};
