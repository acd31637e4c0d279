// Two tenants in one process: an integrator imports users for two customers (two accounts of one vendor, each
// with its own credentials and server) at once, their journals side by side in one folder. Neither tenant's
// credential, token, record or job may reach the other's server or show in the other's report, journal or
// errors; one tenant's refusal, abort or hostile server does not stop or falsify the other's import; and a
// journal of one tenant's import is refused for the other's, before anything is sent. Tenants may also share
// one gateway's origin, each under a path of its own: then no call of one's may reach the other's path.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Middleware } from "openapi-fetch";
import { afterAll, describe, expect, it } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { JournalError } from "../../src/core/engine/journal-error.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";
import { vendorNamed, type VendorName } from "../../src/vendors.js";
import { HARNESSES } from "../contract/harness.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { serveGateway, type Gateway } from "./gateway.js";
import { expectNoSecret, renderings } from "./leaks.js";
import {
  json,
  redirect,
  serveHostile,
  useHostileServers,
  type Decide,
  type Hostile,
  type Seen,
} from "./proxy-server.js";
import { importInto, proxiedVendors, type ProxiedVendor } from "./vendors-behind-proxy.js";

const servers = useHostileServers();
const folder = mkdtempSync(path.join(tmpdir(), "two-tenants-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const RECORDS = 12;
const CHUNK = 4;
const ACCOUNT_FLAGS = /^--(?:api-key|org-id|client-id|client-secret)$/;

interface Tenant {
  readonly vendor: ProxiedVendor;
  readonly simulator: VendorSimulator;
  /** Its base URL, and every request that reached it. */
  readonly server: Pick<Hostile, "url" | "seen">;
  readonly tag: string;
  readonly records: unknown[];
  readonly journal: string;
  /** Its credentials and account ids as given. */
  readonly given: readonly string[];
  /** The credential of every call its server received (an API key, a token). */
  sentCredentials(): string[];
}

let journals = 0;

/** A tenant's simulator served under `path` of a gateway another tenant's may share. */
interface OnGateway {
  readonly gateway: Gateway;
  readonly path: string;
}

/**
 * One tenant of `name`: credentials of its own, its simulator behind a server of its own that `decide` may
 * turn, or under a path of a gateway.
 */
async function tenant(
  name: string,
  tag: string,
  at: Decide | OnGateway = () => undefined,
): Promise<Tenant> {
  const vendor = proxiedVendors().find((v) => v.name === name)!;
  let simulator: VendorSimulator;
  let server: Tenant["server"];
  if (typeof at === "function") {
    simulator = vendor.simulator();
    const hostile = await serveHostile(simulator, at);
    servers.push(hostile);
    server = hostile;
  } else {
    simulator = vendor.simulator({ basePath: at.path });
    server = at.gateway.mount(simulator);
  }
  const given = vendor.flags.filter((_, i, all) => ACCOUNT_FLAGS.test(all[i - 1] ?? ""));
  // Every Propeller simulator issues `sim-token-1` first: the first tenant's are made to count on from 41, so
  // that a token that reached the other tenant's server would show there.
  if (name === "propeller" && tag === "alpha-")
    for (let i = 0; i < 40; i++) await fetch(`${server.url}/oauth2/token`, tokenRequest(given));
  return {
    vendor,
    simulator,
    server,
    tag,
    records: vendor.records(RECORDS, tag),
    journal: path.join(folder, `${name}-${(journals += 1)}.journal`),
    given,
    sentCredentials: () =>
      server.seen.flatMap(({ headers }) =>
        [headers["authorization"], headers["slashid-api-key"]].filter((v) => typeof v === "string"),
      ),
  };
}

/** A Propeller token request with the client id and secret `given` (in the order its flags name them). */
function tokenRequest([clientId = "", clientSecret = ""]: readonly string[]): RequestInit {
  return {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
    }),
  };
}

/** The tenant's `importUsers` into its server (or `baseUrl`), with its journal, as itself (or `as`). */
function importFor(
  t: Tenant,
  options: { client?: object; import?: object; baseUrl?: string; as?: Tenant } = {},
): Promise<ImportReport> {
  return importInto((options.as ?? t).vendor, options.baseUrl ?? t.server.url, t.records, {
    ...(options.client !== undefined && { client: options.client }),
    import: { chunkRecords: CHUNK, journal: t.journal, ...options.import },
  });
}

/** The record keys a report names (each record's key starts with its tenant's tag). */
const keysOf = (report: ImportReport) => report.outcomes.map((o) => o.key);

/** Nothing `from` holds (credential, account id, token, record key) reached `to`'s server or files. */
function expectKeptApart(from: Tenant, to: Tenant, report?: unknown): void {
  expectNoSecret(JSON.stringify(to.server.seen), from.given);
  const fromSent = new Set(from.sentCredentials());
  expect(to.sentCredentials().filter((credential) => fromSent.has(credential))).toEqual([]);
  for (const request of to.server.seen) expect(JSON.stringify(request)).not.toContain(from.tag);
  if (report !== undefined) {
    expectNoSecret(report, from.given);
    for (const text of renderings(report)) expect(text).not.toContain(from.tag);
  }
  const journal = readJournal(to);
  expectNoSecret(journal, from.given);
  expect(journal).not.toContain(from.tag);
}

const readJournal = (t: Tenant) => {
  try {
    return readFileSync(t.journal, "utf8");
  } catch {
    return "";
  }
};

/** Every record of the tenant imported, once, into its own simulator. */
function expectAllImported(t: Tenant, report: ImportReport): void {
  expectEveryRecordOnce(report, RECORDS);
  expect(report.fatal).toBeUndefined();
  expect(report.imported).toBe(RECORDS);
  expect(keysOf(report).every((key) => key.includes(t.tag))).toBe(true);
  expect(t.simulator.stats().users).toBe(RECORDS);
  expect(t.simulator.stats().duplicates).toBe(0);
}

/** A client's raw surface, loosely typed for calls chosen at run time. */
interface RawClient {
  readonly raw: {
    POST(path: string, init: object): Promise<unknown>;
    use(middleware: Middleware): void;
  };
}

/** The operation of vendor `name` that writes users: its path, and a valid request for it. */
function writeOf(name: VendorName): { readonly path: string; readonly init: object } {
  const harness = HARNESSES[name];
  const operation = vendorNamed(name)!.writes[0]!;
  return {
    path: harness.operations[operation]!.path,
    init: harness.requests[operation]!(seededFaker(`two tenants, ${name}`)) as object,
  };
}

interface WayOut {
  /** A's client's call of the write, aimed at B's path; `at` holds each tenant's base URL. */
  send(client: RawClient, write: ReturnType<typeof writeOf>, at: BaseUrls): Promise<unknown>;
  /** The URL the call is aimed at, as the client would send it. */
  aim(path: string, at: BaseUrls): string;
}

interface BaseUrls {
  readonly a: string;
  readonly b: string;
}

/** How a call of tenant A's client may aim at tenant B's path on their shared gateway. */
const WAYS_OUT: readonly (readonly [string, WayOut])[] = [
  [
    "its own baseUrl",
    {
      send: (client, { path, init }, { b }) => client.raw.POST(path, { ...init, baseUrl: b }),
      aim: (path, { b }) => `${b}${path}`,
    },
  ],
  ...(
    [
      ["dot segments", "/../tenant-b"],
      ["an escaped slash after dots (`..%2F`)", "/..%2Ftenant-b"],
      ["dots and a slash escaped twice (`%252e%252e%252f`)", "/%252e%252e%252ftenant-b"],
    ] as const
  ).map(([way, climb]): readonly [string, WayOut] => [
    `a raw path climbing out through ${way}`,
    {
      send: (client, { path, init }) => client.raw.POST(`${climb}${path}`, init),
      aim: (path, { a }) => `${a}${climb}${path}`,
    },
  ]),
  [
    "a raw.use middleware rewriting its URL",
    {
      send: (client, { path, init }, { a, b }) => {
        client.raw.use({
          onRequest: ({ request }) => new Request(request.url.replace(a, b), request),
        });
        return client.raw.POST(path, init);
      },
      aim: (path, { b }) => `${b}${path}`,
    },
  ],
];

const isWrite = (request: Seen) =>
  request.method === "POST" && !request.url.endsWith("/oauth2/token");

// The vendors the hostile server has a view of (vendors-behind-proxy.ts), not a list of their own.
describe.each(proxiedVendors().map((vendor) => vendor.name))("%s", (name) => {
  it("two tenants imported at once each get a true report; neither's credentials reach the other", async () => {
    const a = await tenant(name, "alpha-");
    const b = await tenant(name, "bravo-");

    const [ra, rb] = await Promise.all([importFor(a), importFor(b)]);

    expectAllImported(a, ra);
    expectAllImported(b, rb);
    expect(path.dirname(a.journal)).toBe(path.dirname(b.journal));
    expectKeptApart(a, b, rb);
    expectKeptApart(b, a, ra);
  });

  it("a hostile server of one tenant (redirects to the other's origin, answers its own ids) reaches nothing of the other", async () => {
    const a = await tenant(name, "alpha-");
    // B's server sends every write of B's to A's origin, and answers B's other calls with the id A's last
    // call named (A's job ids), as a job, a job list and a token.
    const b = await tenant(name, "bravo-", (request, nth) => {
      if (isWrite(request))
        return redirect(nth % 2 === 0 ? 307 : 308, `${a.server.url}/capture?to=${request.url}`);
      const id = a.server.seen.at(-1)?.url.split(/[/?]/).at(-1) ?? "";
      return json(
        200,
        id === "" ? {} : { job: { id }, job_id: id, jobs: [{ job_id: id }], access_token: id },
      );
    });

    const [ra, rb] = await Promise.all([importFor(a), importFor(b)]);

    expectAllImported(a, ra);
    expect(a.server.seen.some((request) => request.url.startsWith("/capture"))).toBe(false);
    expectEveryRecordOnce(rb, RECORDS);
    expect(rb.imported).toBe(0);
    expect(b.simulator.stats().users).toBe(0);
    expectKeptApart(a, b, rb);
    expectKeptApart(b, a, ra);
  });

  it("one tenant's 401 on every call (a revoked key, a refused token) does not stop the other's import", async () => {
    const a = await tenant(name, "alpha-", () =>
      json(401, { message: "Unauthorized", error: "invalid_client" }),
    );
    const b = await tenant(name, "bravo-");

    const [ra, rb] = await Promise.all([importFor(a), importFor(b)]);

    expectEveryRecordOnce(ra, RECORDS);
    expect(ra.imported).toBe(0);
    expect(ra.fatal).toBeDefined();
    expectAllImported(b, rb);
    expectKeptApart(a, b, rb);
    expectKeptApart(b, a, ra);
  });

  it("one tenant's abort does not stop the other's import", async () => {
    const controller = new AbortController();
    const a = await tenant(name, "alpha-", (request) => {
      if (isWrite(request)) controller.abort();
      return undefined;
    });
    const b = await tenant(name, "bravo-");

    const [ra, rb] = await Promise.all([
      importFor(a, { import: { signal: controller.signal } }),
      importFor(b),
    ]);

    // An aborted report holds the records read so far.
    expect(ra.aborted).toBe(true);
    expectEveryRecordOnce(ra);
    expectAllImported(b, rb);
    expectKeptApart(a, b, rb);
  });

  it("two tenants given one journal path at once: one is refused before sending, the other's import is whole", async () => {
    const a = await tenant(name, "alpha-");
    const b = await tenant(name, "bravo-");
    const shared = { import: { journal: a.journal } };

    const [ra, rb] = await Promise.allSettled([importFor(a, shared), importFor(b, shared)]);

    const refused = [ra, rb].flatMap((r, i) => (r.status === "rejected" ? [{ i, r }] : []));
    expect(refused).toHaveLength(1);
    const [{ i, r }] = refused as [{ i: number; r: PromiseRejectedResult }];
    expect(r.reason).toBeInstanceOf(JournalError);
    const [loser, winner] = i === 0 ? [a, b] : [b, a];
    const done = (i === 0 ? rb : ra) as PromiseFulfilledResult<ImportReport>;
    expect(loser.server.seen.filter(isWrite)).toEqual([]);
    expectAllImported(winner, done.value);
    expectNoSecret(r.reason, [...a.given, ...b.given]);
    expect(readJournal(a)).not.toContain(loser.tag);
  });

  describe("a journal of one tenant's import, run again", () => {
    it.each([
      ["with the other tenant's client (its account, its server)", { as: "b", at: "b" }],
      ["with the other tenant's account on the first tenant's server", { as: "b", at: "a" }],
      ["with the first tenant's account on another server", { as: "a", at: "b" }],
    ] as const)(
      "%s is refused before anything is sent, naming no credential",
      async (_, { as, at }) => {
        const a = await tenant(name, "alpha-");
        const b = await tenant(name, "bravo-");
        expectAllImported(a, await importFor(a));
        const journal = readJournal(a);
        const sentToA = a.server.seen.length;
        const tenants = { a, b };

        const rerun = importFor(a, { as: tenants[as], baseUrl: tenants[at].server.url });

        const error: unknown = await rerun.catch((e: unknown) => e);
        expect(error).toBeInstanceOf(JournalError);
        expect(String(error)).toMatch(/its outcomes say nothing about this destination/);
        expect(a.server.seen.length).toBe(sentToA);
        expect(b.server.seen).toEqual([]);
        expect(readJournal(a)).toBe(journal);
        expectNoSecret(error, [...a.vendor.secrets, ...b.vendor.secrets]);
      },
    );
  });

  describe("two tenants behind one gateway origin, each under a path of its own", () => {
    async function onOneGateway(): Promise<readonly [Tenant, Tenant, Gateway]> {
      const gateway = await serveGateway();
      servers.push(gateway);
      const a = await tenant(name, "alpha-", { gateway, path: "/tenant-a" });
      const b = await tenant(name, "bravo-", { gateway, path: "/tenant-b" });
      return [a, b, gateway];
    }

    it("imported at once, each gets a true report; neither's credentials reach the other's path", async () => {
      const [a, b, gateway] = await onOneGateway();

      const [ra, rb] = await Promise.all([importFor(a), importFor(b)]);

      expectAllImported(a, ra);
      expectAllImported(b, rb);
      // Every request the gateway received went to one tenant's path or the other's.
      expect(gateway.seen).toHaveLength(a.server.seen.length + b.server.seen.length);
      expectKeptApart(a, b, rb);
      expectKeptApart(b, a, ra);
    });

    // The gateway decodes a path before it routes it, so each of these reaches B's simulator if sent.
    it.each(WAYS_OUT)(
      "A's call to B's path by %s: refused with a TypeError; nothing reaches B's path",
      async (_, way) => {
        const [a, b] = await onOneGateway();
        const write = writeOf(name);
        const client = a.vendor.client(a.server.url, { maxRetries: 0 }) as RawClient;
        const at = { a: a.server.url, b: b.server.url };

        const refusal = await way.send(client, write, at).then(
          () => undefined,
          (error: unknown) => error,
        );

        const reachedB = () => b.server.seen.map(({ method, url }) => `${method} ${url}`);
        expect(reachedB()).toEqual([]);
        expect(refusal).toBeInstanceOf(TypeError);
        expect(String(refusal)).toMatch(/where its credentials do not go.*nothing was sent/);
        // The call was aimed at B's path indeed: sent without credentials, the same URL gets there.
        await (await fetch(way.aim(write.path, at), { method: "POST" })).arrayBuffer();
        expect(reachedB()).toEqual([`POST /tenant-b${write.path}`]);
        expectNoSecret(JSON.stringify(b.server.seen), a.given);
      },
    );
  });
});
