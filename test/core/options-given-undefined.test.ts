// Every optional key of the public options takes `undefined` (see options-take-undefined.typecheck.ts):
// configuration read from the environment or a file is passed through as is. Given so, an option must do what
// it does left out: a spread of the options over their defaults (`{ ...DEFAULTS, ...options }`), a check
// for the key (`"name" in options`) or a refusal of `undefined` would each make an unset variable mean
// something else (no default host, no retry, no replay, a simulator without its credentials).
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  runImport,
  VERSION,
  type CommonClientOptions,
  type ImportOptions,
  type ImportReport,
} from "../../src/index.js";
import {
  createFullStoryClient,
  FULLSTORY_HOSTS,
  importUsers as importFullStory,
  type FullStoryAdapterOptions,
  type FullStoryClientOptions,
} from "../../src/fullstory/index.js";
import {
  createPropellerClient,
  importUsers as importPropeller,
  PROPELLER_HOST,
  type PropellerAdapterOptions,
  type PropellerClientOptions,
} from "../../src/propeller/index.js";
import {
  createSlashIdClient,
  importUsers as importSlashId,
  SLASHID_HOSTS,
  type SlashIdAdapterOptions,
  type SlashIdClientOptions,
} from "../../src/slashid/index.js";
import {
  createUserpilotClient,
  importUsers as importUserpilot,
  userpilotBaseUrl,
  type UserpilotAdapterOptions,
  type UserpilotClientOptions,
} from "../../src/userpilot/index.js";
import {
  createFullStorySimulator,
  createPropellerSimulator,
  createSlashIdSimulator,
  createUserpilotSimulator,
  type FaultOptions,
  type FullStorySimulatorOptions,
  type PropellerSimulatorOptions,
  type SlashIdSimulatorOptions,
  type UserpilotSimulatorOptions,
  type VendorSimulator,
} from "../../src/testing/index.js";
import { simulatorHandlers } from "../../src/testing/msw.js";
import { testAdapter } from "../support/test-adapter.js";

/** `T` with every optional key given, as `undefined`: a literal of it must name each one. */
type AllUnset<T> = { [K in keyof T as object extends Pick<T, K> ? K : never]-?: undefined };

const COMMON = {
  baseUrl: undefined,
  fetch: undefined,
  timeoutMs: undefined,
  maxRetries: undefined,
  retryBaseDelayMs: undefined,
  retryMaxDelayMs: undefined,
  maxRetryAfterMs: undefined,
  signal: undefined,
  userAgent: undefined,
  onRetry: undefined,
  maxResponseBytes: undefined,
  rateLimit: undefined,
  sleep: undefined,
} as const satisfies AllUnset<CommonClientOptions>;

const REPLAY = {
  chunkAttempts: undefined,
  replayDelayMs: undefined,
  maxReplayDelayMs: undefined,
} as const;

const IMPORT = {
  ...REPLAY,
  chunkRecords: undefined,
  concurrency: undefined,
  signal: undefined,
  journal: undefined,
  journalAccountWas: undefined,
  onProgress: undefined,
  onOutcome: undefined,
  keepOutcomes: undefined,
  progressEvery: undefined,
  progressHeartbeatMs: undefined,
  precheck: undefined,
  sleep: undefined,
} as const satisfies AllUnset<ImportOptions>;

const FAULTS = {
  rate429: undefined,
  retryAfterSeconds: undefined,
  rate5xx: undefined,
  rateDrop: undefined,
  rateSlow: undefined,
  slowMs: undefined,
  rateLostAnswer: undefined,
  rejectRate: undefined,
  seed: undefined,
  reject: undefined,
  script: undefined,
} as const satisfies AllUnset<FaultOptions>;

/** What an import did, without when and for how long. */
function done(report: ImportReport) {
  const { startedAt: _startedAt, durationMs: _durationMs, ...rest } = report;
  return rest;
}

/** A simulator answers the first call of `operation` 503 (nothing processed): only a retry passes it. */
const firstCallUnavailable = (operation: string): FaultOptions => ({
  script: (call) =>
    call.operation === operation && call.attempt === 1
      ? { answer: () => new Response(null, { status: 503 }) }
      : undefined,
});

describe("a client made with every option undefined but its credentials", () => {
  const server = setupServer();
  /** The host and User-Agent of each request msw saw. */
  const seen: { host: string; userAgent: string | null }[] = [];
  beforeAll(() => {
    server.listen({ onUnhandledRequest: "error" });
    server.events.on("request:start", ({ request }) => {
      seen.push({
        host: new URL(request.url).origin,
        userAgent: request.headers.get("user-agent"),
      });
    });
  });
  afterEach(() => {
    server.resetHandlers();
    seen.length = 0;
  });
  afterAll(() => server.close());

  /** Routes the vendor's default host to `simulator`; any other host is msw's error. */
  const at = (host: string, simulator: VendorSimulator) => {
    server.use(...simulatorHandlers(simulator, host));
    return new URL(host).origin;
  };
  /** Each request went to `origin`, under the library's own User-Agent, and there were `count`. */
  const expectRequests = (origin: string, count: number) => {
    expect(seen).toEqual(
      Array.from({ length: count }, () => ({
        host: origin,
        userAgent: `bulk-user-import/${VERSION}`,
      })),
    );
  };
  const CALL = { headers: undefined, signal: undefined, serializedBody: undefined } as const;

  it("FullStory: calls the default region's host, and retries a 503", async () => {
    const simulator = createFullStorySimulator({ faults: firstCallUnavailable("createUser") });
    const origin = at(FULLSTORY_HOSTS.na1, simulator);
    const options = { ...COMMON, apiKey: "sim-key", region: undefined };
    const client = createFullStoryClient(options satisfies FullStoryClientOptions);
    const result = await client.createUser({ ...CALL, body: { uid: "u-1" } });
    expect(result.ok).toBe(true);
    expect(simulator.stats().users).toBe(1);
    expectRequests(origin, 2);
  });

  it("FullStory: retries by the default count and backoff", async () => {
    // Only `sleep` is given, to see the waits; every other option, the retry settings too, is undefined.
    const simulator = createFullStorySimulator({
      faults: { script: () => ({ answer: () => new Response(null, { status: 503 }) }) },
    });
    const origin = at(FULLSTORY_HOSTS.na1, simulator);
    const waits: number[] = [];
    // Refuses a wait past the tenth, which ends the call: a client retrying without end fails, not hangs.
    const sleep = (ms: number) => {
      waits.push(ms);
      return waits.length > 10 ? Promise.reject(new Error("too many retries")) : Promise.resolve();
    };
    const client = createFullStoryClient({ ...COMMON, apiKey: "sim-key", sleep });
    const result = await client.getBatchImportStatus({
      ...CALL,
      params: { path: { job_id: "j" } },
    });
    expect(result.ok).toBe(false);
    // maxRetries 4: five requests; each backoff within retryBaseDelayMs (500) doubled per retry.
    expectRequests(origin, 5);
    expect(waits).toHaveLength(4);
    waits.forEach((ms, i) => expect(ms).toBeLessThanOrEqual(500 * 2 ** i));
  });

  it("SlashID: calls the production host, and retries a 503", async () => {
    const simulator = createSlashIdSimulator({
      faults: firstCallUnavailable("getPersonsBulkImportTemplate"),
    });
    const origin = at(SLASHID_HOSTS.production, simulator);
    const options = { ...COMMON, apiKey: "sim-key", orgId: "sim-org", environment: undefined };
    const client = createSlashIdClient(options satisfies SlashIdClientOptions);
    expect((await client.getPersonsBulkImportTemplate(CALL)).ok).toBe(true);
    expectRequests(origin, 2);
  });

  it("Propeller: calls its host for the token and the users, and retries a 503", async () => {
    const simulator = createPropellerSimulator({
      faults: firstCallUnavailable("bulkUsersBySourceId"),
    });
    const origin = at(PROPELLER_HOST, simulator);
    const options = {
      ...COMMON,
      clientId: "sim-client",
      clientSecret: "sim-secret",
      tokenRefreshBeforeMs: undefined,
    };
    const client = createPropellerClient(options satisfies PropellerClientOptions);
    const result = await client.bulkUsersBySourceId({
      ...CALL,
      body: { users: [{ source: "CRM", sourceId: 1 }] },
    });
    expect(result.ok).toBe(true);
    expect(simulator.stats().users).toBe(1);
    // The token, the 503, the retry.
    expectRequests(origin, 3);
  });

  it("Userpilot: calls the default environment's host, and retries a 503", async () => {
    const simulator = createUserpilotSimulator({
      faults: firstCallUnavailable("bulkIdentifyUsers"),
    });
    const origin = at(userpilotBaseUrl(), simulator);
    const options = { ...COMMON, apiKey: "sim-key", environment: undefined };
    const client = createUserpilotClient(options satisfies UserpilotClientOptions);
    const result = await client.bulkIdentifyUsers({
      ...CALL,
      body: { users: [{ user_id: "u-1" }] },
    });
    expect(result.ok).toBe(true);
    expectRequests(origin, 2);
  });
});

describe("an import given every ImportOptions key undefined", () => {
  const users = Array.from({ length: 5 }, (_, i) => ({ id: `u${i}` }));

  it("runImport: chunks by the adapter's default and imports as with {}", async () => {
    const chunks: string[][] = [];
    const adapter = testAdapter<{ id: string }>((chunk) => {
      chunks.push([...chunk.keys]);
      return Promise.resolve({ kind: "done", outcomes: chunk.items.map(() => ({ ok: true })) });
    });
    const given = await runImport(adapter, users, IMPORT);
    const unset = chunks.splice(0);
    const left = await runImport(adapter, users, {});
    expect(done(given)).toEqual(done(left));
    expect(unset).toEqual(chunks);
    // The test adapter's default of 2 records a chunk.
    expect(unset).toEqual([["u0", "u1"], ["u2", "u3"], ["u4"]]);
    expect(given.outcomes.map((o) => o.outcome)).toEqual(Array(5).fill("imported"));
  });

  it("replays a chunk by the default attempts and delays", async () => {
    // Only `sleep` is given, to see the waits; the replay settings are given as undefined.
    let sends = 0;
    const adapter = testAdapter<{ id: string }>(
      (chunk) => {
        sends += 1;
        return Promise.resolve({
          kind: "done",
          outcomes: chunk.items.map(() => ({
            ok: false,
            code: "unavailable",
            reason: "try again",
            transient: true,
          })),
        });
      },
      { replay: { by: "resend", why: "the test vendor takes a record twice as once" } },
    );
    const waits: number[] = [];
    // Refuses a wait past the tenth, which ends the replays: a run replaying without end fails, not hangs.
    const sleep = (ms: number) => {
      waits.push(ms);
      return waits.length > 10 ? Promise.reject(new Error("too many replays")) : Promise.resolve();
    };
    const report = await runImport(adapter, [{ id: "u0" }], { ...IMPORT, sleep });
    expect(report.outcomes[0]).toMatchObject({ outcome: "failed", code: "unavailable" });
    // chunkAttempts 5: the first send and 4 replays; each wait within 1000 ms doubled per replay.
    expect(sends).toBe(5);
    expect(waits).toHaveLength(4);
    waits.forEach((ms, i) => expect(ms).toBeLessThanOrEqual(1000 * 2 ** i));
    expect(waits.every((ms) => Number.isInteger(ms) && ms >= 0)).toBe(true);
  });
});

describe("a simulator given every option (or every fault) undefined behaves as one given {}", () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  const HOST = "https://simulated.example";
  /** Polls at once: the adapters' waits are not what is compared here. */
  const quick = { sleep: () => Promise.resolve(), pollIntervalMs: 1, maxPollIntervalMs: 1 };

  /**
   * The same import against each simulator in turn, each by a client of its own (a client holds a token, a
   * job it saw): the reports and the simulators' counts.
   */
  async function compare(simulators: readonly VendorSimulator[], run: () => Promise<ImportReport>) {
    const seen = [];
    for (const simulator of simulators) {
      server.resetHandlers(...simulatorHandlers(simulator, HOST));
      const report = await run();
      seen.push({ report: done(report), stats: simulator.stats() });
    }
    for (const other of seen.slice(1)) expect(other).toEqual(seen[0]);
    return seen[0]!;
  }

  it("faults: a seed given as undefined draws the default seed's sequence", async () => {
    const statuses = async (faults: FaultOptions) => {
      const simulator = createFullStorySimulator({ faults });
      const seen: number[] = [];
      for (let i = 0; i < 20; i++) {
        const request = new Request(`${HOST}/v2/users/batch/job-${i}`, {
          headers: { Authorization: "Basic sim-key" },
        });
        seen.push((await simulator.handle(request)).status);
      }
      return seen;
    };
    const left = await statuses({ rate5xx: 0.5 });
    expect(await statuses({ rate5xx: 0.5, seed: undefined })).toEqual(left);
    expect(left.filter((status) => status >= 500).length).toBeGreaterThan(0);
  });

  it("FullStory", async () => {
    const options = {
      apiKey: undefined,
      faults: undefined,
      processingPolls: undefined,
      processingMs: undefined,
      pageSize: undefined,
      maxInProgressJobs: undefined,
      maxOperationsInFlight: undefined,
      retention: undefined,
      recentJobs: undefined,
      basePath: undefined,
      now: undefined,
      rowsPerMinute: undefined,
    } as const satisfies AllUnset<FullStorySimulatorOptions>;
    const client = () => createFullStoryClient({ apiKey: "sim-key", baseUrl: HOST, maxRetries: 0 });
    const adapter = { ...quick, jobTimeoutMs: undefined, maxPollsPerJob: undefined };
    const users = [{ uid: "u-1" }, { uid: "u-2", email: "two@example.com" }];
    const { report, stats } = await compare(
      [
        createFullStorySimulator(options),
        createFullStorySimulator({ faults: FAULTS }),
        createFullStorySimulator({}),
      ],
      () => importFullStory(client(), users, adapter satisfies FullStoryAdapterOptions),
    );
    expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported"]);
    expect(stats.faults).toEqual({});
  });

  it("SlashID", async () => {
    const options = {
      apiKey: undefined,
      memberApiKey: undefined,
      orgId: undefined,
      faults: undefined,
      pricingTierLimit: undefined,
      existingPersons: undefined,
      basePath: undefined,
    } as const satisfies AllUnset<SlashIdSimulatorOptions>;
    const client = () =>
      createSlashIdClient({
        apiKey: "sim-key",
        orgId: "sim-org",
        baseUrl: HOST,
        maxRetries: 0,
      });
    const persons = [{ emails: ["one@example.com"] }, { emails: ["two@example.com"] }];
    const adapter = { sleep: quick.sleep, maxRecords: undefined };
    const { report } = await compare(
      [
        createSlashIdSimulator(options),
        createSlashIdSimulator({ faults: FAULTS }),
        createSlashIdSimulator({}),
      ],
      () => importSlashId(client(), persons, adapter satisfies SlashIdAdapterOptions),
    );
    expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported"]);
  });

  it("Propeller", async () => {
    const options = {
      clientId: undefined,
      clientSecret: undefined,
      expiresIn: undefined,
      now: undefined,
      faults: undefined,
      tokenFaults: undefined,
      maxUsers: undefined,
      requiredFields: undefined,
      existingParents: undefined,
      definedAttributes: undefined,
      basePath: undefined,
    } as const satisfies AllUnset<PropellerSimulatorOptions>;
    const client = () =>
      createPropellerClient({
        clientId: "sim-client",
        clientSecret: "sim-secret",
        baseUrl: HOST,
        maxRetries: 0,
      });
    const users = [
      { source: "CRM", sourceId: 1 },
      { source: "CRM", sourceId: 2 },
    ];
    const adapter = { sleep: quick.sleep, maxRecords: undefined };
    const { report } = await compare(
      [
        createPropellerSimulator(options),
        createPropellerSimulator({ faults: FAULTS }),
        createPropellerSimulator({}),
      ],
      () => importPropeller(client(), users, adapter satisfies PropellerAdapterOptions),
    );
    expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported"]);
  });

  it("Userpilot", async () => {
    const options = {
      apiKey: undefined,
      faults: undefined,
      pollsPerStep: undefined,
      stepMs: undefined,
      maxBytes: undefined,
      failJobs: undefined,
      basePath: undefined,
      now: undefined,
      rowsPerMinute: undefined,
    } as const satisfies AllUnset<UserpilotSimulatorOptions>;
    const client = () => createUserpilotClient({ apiKey: "sim-key", baseUrl: HOST, maxRetries: 0 });
    const adapter = {
      ...quick,
      maxPollsPerJob: undefined,
      jobTimeoutMs: undefined,
      conflictWaitMs: undefined,
      maxBodyBytes: undefined,
      clockSkewMs: undefined,
      soleImporter: undefined,
    };
    const users = [{ user_id: "u-1" }, { user_id: "u-2" }];
    const { report } = await compare(
      [
        createUserpilotSimulator(options),
        createUserpilotSimulator({ faults: FAULTS }),
        createUserpilotSimulator({}),
      ],
      () => importUserpilot(client(), users, adapter satisfies UserpilotAdapterOptions),
    );
    expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported"]);
  });
});
