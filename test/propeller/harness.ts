// What the Propeller import tests share: the simulator mounted in a test file's msw server with a record of
// what reached it, faker users, a client whose waits are logged, and the simulator's state by the adapter's key.
import {
  json,
  type FaultCall,
  type FaultOptions,
  type ScriptAction,
} from "../../src/testing/faults.js";
import type { components } from "../../generated/propeller.js";
import { createPropellerClient } from "../../src/propeller/client.js";
import type { PropellerUser } from "../../src/propeller/validate.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { propellerCredentials, propellerUser } from "../../src/testing/fixtures/propeller.js";
import { simulatorHandlers } from "../../src/testing/msw.js";
import {
  createPropellerSimulator,
  propellerError,
  type PropellerSimulatorOptions,
} from "../../src/testing/propeller.js";
import { HOSTS, type useMswServer } from "../support/msw.js";

/** Decides a bulk request from the users it carries: a fault, an answer of the test's own, or undefined. */
export type BulkScript = (
  call: FaultCall,
  users: readonly PropellerUser[],
) => ScriptAction | undefined | Promise<ScriptAction | undefined>;

const credentials = propellerCredentials(seededFaker("propeller harness"));

/**
 * A Propeller simulator serving `HOSTS.propeller` in `server`, with `bulk` scripting its bulk requests. `sent`
 * holds the users of every bulk request that reached it, in arrival order, the faulted ones too.
 */
export function mountPropeller(
  server: ReturnType<typeof useMswServer>,
  options: PropellerSimulatorOptions & { bulk?: BulkScript } = {},
) {
  const sent: PropellerUser[][] = [];
  const faultsWith = (bulk: BulkScript | undefined, faults: FaultOptions = {}): FaultOptions => ({
    ...faults,
    script: async (call) => {
      if (call.operation !== "bulkUsersBySourceId") return faults.script?.(call);
      const { users } = (await call.request.json()) as { users: PropellerUser[] };
      sent.push(users);
      return (await bulk?.(call, users)) ?? faults.script?.(call);
    },
  });
  const { bulk, ...simulatorOptions } = options;
  const sim = createPropellerSimulator({
    ...credentials,
    ...simulatorOptions,
    faults: faultsWith(bulk, options.faults),
  });
  server.use(...simulatorHandlers(sim, HOSTS.propeller));
  return {
    sim,
    sent,
    /** New faults and bulk script from now on; `sent` goes on recording. */
    setFaults: (faults: FaultOptions, next?: BulkScript) => sim.setFaults(faultsWith(next, faults)),
    /** Propeller's id of each stored user, by its report key (`userKey`). */
    ids: () => new Map(sim.users().map((u) => [userKey(u), u.id])),
    /** The numbers of the bulk requests that wrote each stored user (the first created it), by key. */
    writes: () => new Map(sim.users().map((u) => [userKey(u), u.requests])),
  };
}

export type MountedPropeller = ReturnType<typeof mountPropeller>;

/** Holds the first four bulk requests until all four are in flight, then runs `meanwhile`, then lets go. */
export function fourInFlight(meanwhile: () => void): BulkScript {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  return async () => {
    arrived += 1;
    if (arrived === 4) {
      meanwhile();
      release();
    }
    if (arrived <= 4) await all;
    return undefined;
  };
}

/**
 * A client of the mounted simulator whose retry waits are logged, not slept: each passes at once, or as
 * `sleep` says.
 */
export function propellerClient(sleep?: (ms: number) => Promise<void>) {
  const delays: number[] = [];
  const client = createPropellerClient({
    ...credentials,
    sleep: (ms) => {
      delays.push(ms);
      return sleep?.(ms) ?? Promise.resolve();
    },
  });
  return { client, delays };
}

/** `n` valid users `CRM:C-0`…, faker-built from `seed`, without a parent (a new user's parent is unknown). */
export function users(n: number, seed = "propeller import"): PropellerUser[] {
  const f = seededFaker(seed);
  return Array.from({ length: n }, (_, i) => {
    const { parent: _parent, ...user } = propellerUser(f);
    return { ...user, source: "CRM", sourceId: `C-${i}` };
  });
}

/**
 * The note of an imported user with addresses or attributes whose chunk went again after an earlier send on
 * record: whether Propeller replaces a user's lists or adds to them is not documented.
 */
export const LISTS_NOTE =
  /^sent again with its chunk after an earlier send of it: whether Propeller replaces a user's (addresses|attributes|addresses and attributes) or adds to them is not documented; if it adds, it may hold this user's \1 twice$/;

/** Whether a user has addresses or attributes, which a chunk sent again may leave twice at Propeller. */
export const hasLists = (user: PropellerUser): boolean =>
  (user.addresses?.length ?? 0) + (user.attributes?.length ?? 0) > 0;

/**
 * The report's key of a test user, whose parts hold no `:` or `%` and who has no `language`:
 * `source:sourceId`, then `:<PRIMARYLANGUAGE>` when it has one.
 */
export const userKey = (user: {
  source: string;
  sourceId: string | number;
  primaryLanguage?: string | undefined;
}) =>
  user.primaryLanguage === undefined
    ? `${user.source}:${String(user.sourceId)}`
    : `${user.source}:${String(user.sourceId)}:${user.primaryLanguage.toUpperCase()}`;

/** Propeller's error envelope as a scripted answer in place of the vendor's. */
export const errorAnswer = (status: number, code: number, type: string, messages: string[]) => ({
  answer: json(propellerError(status, code, type, messages), status),
});

/**
 * Makes `client` see, in place of Propeller's answer to its first bulk request (which Propeller acted on), a
 * `status` refusal naming the request's second user: a caller's middleware answering for the vendor.
 */
export function refuseFirstAnswer(
  client: ReturnType<typeof createPropellerClient>,
  status: number,
) {
  let replaced = false;
  client.raw.use({
    onResponse: ({ request }) => {
      if (replaced || !request.url.endsWith("/v2/users/bulk/sourceId")) return undefined;
      replaced = true;
      const messages = ["#/users/1: required key [firstName] not found"];
      return json(propellerError(status, 10007, "SchemaValidationException", messages), status);
    },
  });
}

type BulkAnswer = components["schemas"]["BulkUsersResponse"];
export type BulkResults = BulkAnswer["data"];

/**
 * Propeller's own answer to a bulk request, its results rewritten by `results` (and `total` counting them);
 * they may drift from the spec.
 */
export const rewritingResults = (
  results: (data: BulkResults) => readonly object[],
): ScriptAction => ({
  after: async (answer: Response) => {
    const body = (await answer.json()) as BulkAnswer;
    const data = results(body.data);
    return json({ ...body, data, total: data.length });
  },
});

/** A result rewritten as Propeller's refusal of the same user. */
export const refusal = (result: BulkResults[number]) => ({
  ...result,
  success: false,
  error: "invalid",
});
