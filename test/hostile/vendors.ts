// The four vendors as a hostile server sees them: one import operation each, called through the operation
// method and through openapi-fetch's `raw.POST`, the credentials the client holds, how the vendor echoes
// text in a documented error, and a valid 2xx body with a required field that can be taken away.
import type { Faker } from "@faker-js/faker";
import { HttpResponse, http, type HttpHandler } from "msw";
import type { CommonClientOptions } from "../../src/core/client/options.js";
import type { ApiError } from "../../src/core/errors/api-error.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { createPropellerClient } from "../../src/propeller/client.js";
import { createSlashIdClient } from "../../src/slashid/client.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import { HOSTS } from "../support/msw.js";

/** What an operation method resolves to, loosely typed for calls chosen at run time. */
export type Outcome =
  | { readonly ok: true; readonly status: number; readonly data: unknown }
  | {
      readonly ok: false;
      readonly error: ApiError & { readonly status: number | string } & Record<string, unknown>;
    };

/** What openapi-fetch's raw methods resolve to. */
export interface RawOutcome {
  readonly data?: unknown;
  readonly error?: unknown;
  readonly response: Response;
}

export interface Calls {
  /** The import through its operation method (typed result, never throws for HTTP outcomes). */
  operation(): Promise<Outcome>;
  /** The same request through the raw openapi-fetch surface. */
  raw(): Promise<RawOutcome>;
}

export interface HostileVendor {
  readonly name: string;
  /** The operation's full URL at the vendor's real host. */
  readonly url: string;
  /** Every credential the client holds or obtains. */
  readonly secrets: readonly string[];
  /** Routes the call needs besides `url` (Propeller's token endpoint). */
  readonly support: readonly HttpHandler[];
  /** The request header that carries a credential on the import call. */
  readonly credentialHeader: string;
  /** A client with `options` on top of settings that keep tests fast (no real sleeping). */
  client(options?: Partial<CommonClientOptions>): Calls;
  /** A documented error status of the operation and its body, with `text` where the vendor puts a message. */
  readonly documentedError: { readonly status: number; readonly body: (text: string) => object };
  /** A 2xx the spec documents, and the same body with one required field removed (deepest available). */
  readonly success: {
    readonly status: number;
    readonly body: object;
    readonly broken: object;
    /** The field path the `malformed` reason must name. */
    readonly missing: string;
  };
}

const quiet = { sleep: async () => {} };

export function hostileVendors(faker: Faker): readonly HostileVendor[] {
  const secret = (prefix = "") => prefix + faker.string.alphanumeric({ length: 32 });
  const fullStoryKey = secret("na1.");
  const slashIdKey = secret();
  const slashIdOrg = faker.string.uuid();
  const propellerSecret = secret();
  const propellerToken = secret();
  const userpilotKey = secret();
  const uid = faker.string.uuid();
  const email = faker.internet.email();
  const jobId = faker.string.uuid();

  return [
    {
      name: "FullStory",
      url: `${HOSTS.fullstory}/v2/users/batch`,
      secrets: [fullStoryKey],
      support: [],
      credentialHeader: "authorization",
      client(options = {}) {
        const client = createFullStoryClient({ apiKey: fullStoryKey, ...quiet, ...options });
        const body = { requests: [{ uid, email }] };
        return {
          operation: () => client.createBatchImport({ body }) as Promise<Outcome>,
          raw: () => client.raw.POST("/v2/users/batch", { body }),
        };
      },
      documentedError: {
        status: 400,
        body: (text) => ({ message: text, code: "required_field" }),
      },
      success: {
        status: 200,
        body: { job: { id: jobId, status: "PROCESSING", created: "2026-01-01T00:00:00Z" } },
        broken: { job: { status: "PROCESSING", created: "2026-01-01T00:00:00Z" } },
        missing: "job.id",
      },
    },
    {
      name: "SlashID",
      url: `${HOSTS.slashid}/persons/bulk-import`,
      secrets: [slashIdKey],
      support: [],
      credentialHeader: "slashid-api-key",
      client(options = {}) {
        const client = createSlashIdClient({
          apiKey: slashIdKey,
          orgId: slashIdOrg,
          ...quiet,
          ...options,
        });
        const persons = `slashid:emails\n${email}\n`;
        return {
          operation: () => client.bulkImportPersons({ body: { persons } }) as Promise<Outcome>,
          raw: () =>
            client.raw.POST("/persons/bulk-import", {
              params: { header: { "SlashID-OrgID": slashIdOrg } },
              body: { persons },
            }),
        };
      },
      documentedError: {
        status: 400,
        body: (text) => ({ errors: [{ httpcode: 400, message: text }] }),
      },
      success: {
        status: 200,
        body: { result: { successful_imports: 1, failed_imports: 0 } },
        broken: { result: { successful_imports: 1 } },
        missing: "result.failed_imports",
      },
    },
    {
      name: "Propeller",
      url: `${HOSTS.propeller}/v2/users/bulk/sourceId`,
      secrets: [propellerSecret, propellerToken],
      support: [
        http.post(`${HOSTS.propeller}/oauth2/token`, () =>
          HttpResponse.json({
            access_token: propellerToken,
            expires_in: 1800,
            token_type: "Bearer",
          }),
        ),
      ],
      credentialHeader: "authorization",
      client(options = {}) {
        const client = createPropellerClient({
          clientId: faker.string.alphanumeric(12),
          clientSecret: propellerSecret,
          ...quiet,
          ...options,
        });
        const body = { users: [{ source: "crm", sourceId: uid }] };
        return {
          operation: () => client.bulkUsersBySourceId({ body }) as Promise<Outcome>,
          raw: () => client.raw.POST("/v2/users/bulk/sourceId", { body }),
        };
      },
      documentedError: {
        status: 400,
        body: (text) => ({
          error: { code: 10007, messages: [text], status: 400, type: "SchemaValidationException" },
        }),
      },
      success: {
        status: 200,
        body: {
          data: [{ action: "create", key: 1, lookupKey: uid, success: true }],
          messages: [],
          total: 1,
        },
        broken: { data: [{ action: "create", key: 1, lookupKey: uid }], messages: [], total: 1 },
        missing: "data[0].success",
      },
    },
    {
      name: "Userpilot",
      url: `${HOSTS.userpilot}/v1/users/bulk_identify`,
      secrets: [userpilotKey],
      support: [],
      credentialHeader: "authorization",
      client(options = {}) {
        const client = createUserpilotClient({ apiKey: userpilotKey, ...quiet, ...options });
        const body = { users: [{ user_id: uid }] };
        return {
          operation: () => client.bulkIdentifyUsers({ body }) as Promise<Outcome>,
          raw: () => client.raw.POST("/v1/users/bulk_identify", { body }),
        };
      },
      documentedError: {
        status: 400,
        body: (text) => ({ errors: [{ message: text }] }),
      },
      success: {
        // Userpilot documents no nested required field on this 2xx: the top-level one is the deepest.
        status: 202,
        body: { job_id: jobId, status: "queued" },
        broken: { status: "queued" },
        missing: "job_id",
      },
    },
  ];
}
