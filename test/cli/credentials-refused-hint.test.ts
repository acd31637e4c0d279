// An import the vendor stopped by refusing its credentials (a 401, a 403, an OAuth2 token refused) ends with
// a summary line naming where they come from: each credential flag and environment variable the vendor's
// module declares (and the setting naming the environment they are of), never a value. A run stopped
// otherwise (a redirect, a token URL that answers 404, or 400 with no OAuth2 error or one that refused the
// request's form) gets no such line: it would send the operator to credentials that are not at fault.
import { describe, expect, it } from "vitest";
import {
  createFullStorySimulator,
  createPropellerSimulator,
  createSlashIdSimulator,
  createUserpilotSimulator,
} from "../../src/testing/index.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";
import {
  CREDS,
  FAST_POLL,
  cli,
  fullStoryUsers,
  ndjson,
  propellerUsers,
  slashIdPersons,
  useServedSimulators,
  useTempDir,
  userpilotUsers,
} from "./helpers.js";

const file = useTempDir();
const serve = useServedSimulators();

const WRONG = "wrong-secret-Qv73Hx";

interface RefusalCase {
  readonly vendor: string;
  readonly what: string;
  readonly sim: () => VendorSimulator;
  readonly records: readonly unknown[];
  readonly flags: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly line: string;
}

const refusals: readonly RefusalCase[] = [
  {
    vendor: "fullstory",
    what: "a wrong key by flag (401)",
    sim: () => createFullStorySimulator({ processingPolls: 0 }),
    records: fullStoryUsers(2),
    flags: ["--api-key", WRONG, ...FAST_POLL],
    env: {},
    line: "  fullstory refused the credentials: check --api-key (or FULLSTORY_API_KEY)",
  },
  {
    vendor: "propeller",
    what: "a wrong client secret, its token request refused",
    sim: () => createPropellerSimulator(),
    records: propellerUsers(2),
    flags: ["--client-id", CREDS.clientId],
    env: { PROPELLER_CLIENT_SECRET: WRONG },
    line:
      "  propeller refused the credentials: check --client-id (or PROPELLER_CLIENT_ID) " +
      "and --client-secret (or PROPELLER_CLIENT_SECRET)",
  },
  {
    vendor: "propeller",
    what: "a token request refused with OAuth2's 400 (a client not allowed the grant)",
    sim: () =>
      createPropellerSimulator({
        faults: {
          script: ({ operation }) =>
            operation === "getAccessToken"
              ? {
                  answer: Response.json(
                    {
                      error: "unauthorized_client",
                      error_description: "Client not enabled to retrieve service account",
                    },
                    { status: 400 },
                  ),
                }
              : undefined,
        },
      }),
    records: propellerUsers(2),
    flags: ["--client-id", CREDS.clientId],
    env: { PROPELLER_CLIENT_SECRET: CREDS.clientSecret },
    line:
      "  propeller gave no access token for the credentials: check --client-id (or PROPELLER_CLIENT_ID) " +
      "and --client-secret (or PROPELLER_CLIENT_SECRET)",
  },
  // The scrub takes every run of 6 the secret shares with the answer: the code is read before it, or
  // `invalid_client` became `invalid[REDACTED]`, and no line said what to check.
  {
    vendor: "propeller",
    what: "a client secret sharing `client` with OAuth2's 400 invalid_client",
    sim: () =>
      createPropellerSimulator({
        faults: {
          script: ({ operation }) =>
            operation === "getAccessToken"
              ? { answer: Response.json({ error: "invalid_client" }, { status: 400 }) }
              : undefined,
        },
      }),
    records: propellerUsers(2),
    flags: ["--client-id", CREDS.clientId],
    env: { PROPELLER_CLIENT_SECRET: `acme_client_${WRONG}` },
    line:
      "  propeller gave no access token for the credentials: check --client-id (or PROPELLER_CLIENT_ID) " +
      "and --client-secret (or PROPELLER_CLIENT_SECRET)",
  },
  {
    vendor: "slashid",
    what: "a key given another org's id (403)",
    sim: () => createSlashIdSimulator(),
    records: slashIdPersons(2),
    flags: ["--api-key", CREDS.apiKey, "--org-id", WRONG],
    env: {},
    line:
      "  slashid refused the credentials or their permissions: check --api-key (or SLASHID_API_KEY) and " +
      "--org-id (or SLASHID_ORG_ID), and that --environment (or SLASHID_ENVIRONMENT) names theirs",
  },
  {
    vendor: "userpilot",
    what: "a wrong key from the environment (401)",
    sim: () => createUserpilotSimulator(),
    records: userpilotUsers(2),
    flags: [...FAST_POLL],
    env: { USERPILOT_API_KEY: WRONG },
    line:
      "  userpilot refused the credentials: check --api-key (or USERPILOT_API_KEY), and that " +
      "--environment (or USERPILOT_ENVIRONMENT) names theirs",
  },
];

describe("the summary of an import stopped by a credential refusal", () => {
  it.each(refusals)("$vendor, $what: names its credentials' flags and variables", async (c) => {
    const { url } = await serve(c.sim());

    const result = await cli(
      [
        "import",
        c.vendor,
        file(`${c.vendor}.ndjson`, ndjson(c.records)),
        "--base-url",
        url,
        ...c.flags,
      ],
      { env: c.env },
    );

    expect(result.code).toBe(3);
    const lines = result.stdout.split("\n");
    const stopped = lines.findIndex((line) => line.startsWith("  stopped: "));
    expect(stopped).toBeGreaterThan(0);
    // Right under the stop it explains, before the records that failed by it.
    expect(lines[stopped + 1]).toBe(c.line);
    expect(result.all).not.toContain(WRONG);
  });

  it("a run stopped by a redirect, with the credentials accepted, names none of them", async () => {
    const sim = createFullStorySimulator({
      processingPolls: 0,
      faults: {
        script: ({ operation }) =>
          operation === "createBatchImport"
            ? {
                answer: new Response(null, {
                  status: 307,
                  headers: { location: "http://127.0.0.1:9/elsewhere" },
                }),
              }
            : undefined,
      },
    });
    const { url } = await serve(sim);

    const result = await cli([
      "import",
      "fullstory",
      file("redirected.ndjson", ndjson(fullStoryUsers(2))),
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      ...FAST_POLL,
    ]);

    expect(result.code).toBe(3);
    const lines = result.stdout.split("\n");
    const stopped = lines.findIndex((line) => line.startsWith("  stopped: "));
    expect(lines[stopped]).toMatch(/HTTP 307 redirect/);
    // The records it failed follow the stop at once.
    expect(lines[stopped + 1]).toMatch(/^ {2}failed {3}#0 /);
    expect(result.all).not.toContain("FULLSTORY_API_KEY");
  });

  /** An import into Propeller at a --base-url with no token endpoint (its token URL answers 404). */
  async function wrongTokenUrl(name: string, ...more: string[]) {
    const { url } = await serve(createPropellerSimulator());
    return cli(
      [
        ...["import", "propeller", file(`${name}.ndjson`, ndjson(propellerUsers(2)))],
        ...["--base-url", `${url}/no-api-here`, "--client-id", CREDS.clientId, ...more],
      ],
      { env: { PROPELLER_CLIENT_SECRET: CREDS.clientSecret } },
    );
  }

  it("a Propeller run whose token URL answers 404 (a wrong --base-url) names none of them", async () => {
    const result = await wrongTokenUrl("wrong-url");

    expect(result.code).toBe(3);
    const lines = result.stdout.split("\n");
    const stopped = lines.findIndex((line) => line.startsWith("  stopped: "));
    expect(lines[stopped]).toMatch(/could not obtain credentials: .*HTTP status 404/);
    expect(lines[stopped + 1]).toMatch(/^ {2}failed {3}#0 /);
    expect(result.all).not.toContain("PROPELLER_CLIENT_SECRET");
  });

  // A journal written for the wrong --base-url is refused by a run at the right one: "run the command again
  // with --journal" once the URL is fixed would send the operator into that refusal.
  it("a Propeller run whose token URL answers 404, with --journal: no line says the journal resumes it", async () => {
    const result = await wrongTokenUrl("wrong-url-journal", "--journal", file("wrong-url.journal"));

    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/could not obtain credentials: .*HTTP status 404/);
    expect(result.stdout).not.toMatch(/run the command again|keeps what was settled/);
  });

  /** An import into Propeller, with --journal, whose every token request is answered `body` with a 400. */
  async function tokenAnswered400(name: string, body: unknown) {
    const sim = createPropellerSimulator({
      faults: {
        script: ({ operation }) =>
          operation === "getAccessToken"
            ? { answer: Response.json(body, { status: 400 }) }
            : undefined,
      },
    });
    const { url } = await serve(sim);
    return cli(
      [
        ...["import", "propeller", file(`${name}.ndjson`, ndjson(propellerUsers(2)))],
        ...["--base-url", url, "--client-id", CREDS.clientId, "--journal", file(`${name}.journal`)],
      ],
      { env: { PROPELLER_CLIENT_SECRET: CREDS.clientSecret } },
    );
  }

  // RFC 6749 §5.2: `invalid_request` (as `unsupported_grant_type`) refuses the request as it was made, not
  // the client: other credentials would meet the same answer.
  it("a Propeller token request refused with OAuth2's invalid_request: says so by its code, names no credential", async () => {
    const result = await tokenAnswered400("invalid-request", {
      error: "invalid_request",
      error_description: "Missing form parameter: grant_type",
    });

    expect(result.code).toBe(3);
    const lines = result.stdout.split("\n");
    const stopped = lines.findIndex((line) => line.startsWith("  stopped: "));
    expect(lines[stopped]).toMatch(/could not obtain credentials: .*HTTP 400/);
    expect(lines[stopped + 1]).toBe(
      "  propeller's token endpoint refused the token request: OAuth2 error invalid_request",
    );
    expect(lines[stopped + 2]).toMatch(/^ {2}failed {3}#0 /);
    expect(result.all).not.toContain("PROPELLER_CLIENT_SECRET");
    expect(result.stdout).not.toMatch(/once that is fixed/);
  });

  // A --base-url whose host is some other service answers the token request with its own 400, whose `error`
  // is no code RFC 6749 registers, though it may be shaped as one: no token endpoint spoke, so no credential
  // is at fault.
  it.each([
    [
      "Spring's error JSON",
      "spring",
      {
        timestamp: "2026-01-01T00:00:00.000+00:00",
        status: 400,
        error: "Bad Request",
        path: "/oauth2/token",
      },
    ],
    [
      "bad_request",
      "bad-request",
      { error: "bad_request", message: "No route for POST /oauth2/token" },
    ],
  ])(
    "a Propeller token URL that answers a 400 with no OAuth2 error (%s): names no credential",
    async (_, name, body) => {
      const result = await tokenAnswered400(`not-a-token-endpoint-${name}`, body);

      expect(result.code).toBe(3);
      const lines = result.stdout.split("\n");
      const stopped = lines.findIndex((line) => line.startsWith("  stopped: "));
      expect(lines[stopped]).toMatch(/could not obtain credentials: .*HTTP 400/);
      expect(lines[stopped + 1]).toMatch(/^ {2}failed {3}#0 /);
      expect(result.all).not.toContain("PROPELLER_CLIENT_SECRET");
      expect(result.stdout).not.toMatch(/once that is fixed|token endpoint refused/);
    },
  );
});
