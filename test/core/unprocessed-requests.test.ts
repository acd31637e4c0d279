// Whether a report says a vendor "may hold" a record follows what the transport knows of the chunk's
// requests, not the failure code: a 429 or 503 is "not processed" whatever variant it arrives as, unless an
// earlier try of the same call may have been; a request that never reached the vendor wrote nothing; and a
// later "not processed" never hides an earlier send whose answer was lost.
import { describe, expect, it } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers as importFullStory } from "../../src/fullstory/import.js";
import { importUsers as importPropeller } from "../../src/propeller/import.js";
import { createSlashIdClient } from "../../src/slashid/client.js";
import { importUsers as importSlashId } from "../../src/slashid/import.js";
import { json } from "../../src/testing/faults.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { gatewayPage } from "../../src/testing/kit/answers.js";
import { API_KEY, createThen, mountFullStory, vendorError } from "../fullstory/harness.js";
import { errorAnswer, mountPropeller, propellerClient, users } from "../propeller/harness.js";
import {
  API_KEY as SLASHID_KEY,
  ORG_ID,
  persons,
  slashIdClient,
  slashIdWorld,
  vendorError as slashIdError,
} from "../slashid/harness.js";
import { useMswServer } from "../support/msw.js";

const server = useMswServer();
const noWait = async () => {};

const codes = (report: ImportReport) =>
  report.outcomes.map((o) => (o.outcome === "failed" ? o.code : o.outcome));
const reasons = (report: ImportReport) =>
  report.outcomes.map((o) => (o.outcome === "failed" ? o.reason : ""));

/** `n` FullStory users with faker uids. */
function fullStoryUsers(n: number) {
  const f = seededFaker("unprocessed requests");
  return Array.from({ length: n }, (_, i) => ({ uid: `${f.string.alphanumeric(8)}-${i}` }));
}

describe("a fatal answer after the vendor turned the chunk away", () => {
  it("SlashID (no 429 in its spec, so `undocumented`): the report does not say SlashID may hold the persons", async () => {
    const world = slashIdWorld(server, {
      script: ({ attempt }) => ({
        answer: attempt === 1 ? slashIdError(429, "slow down") : slashIdError(401, "bad key"),
      }),
    });
    const report = await importSlashId(slashIdClient({ maxRetries: 0 }), persons(1, 3), {
      replayDelayMs: 0,
      sleep: noWait,
    });
    expect(world.posts()).toBe(2);
    expect(codes(report)).toEqual(["fatal", "fatal", "fatal"]);
    for (const reason of reasons(report)) expect(reason).not.toMatch(/may hold/);
  });

  it("FullStory (a gateway's HTML 503, so `malformed`): the report does not say FullStory may hold the users", async () => {
    const sim = mountFullStory(server, {
      faults: {
        script: createThen({ answer: () => gatewayPage(503) }, vendorError(401, "unauthorized")),
      },
    });
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0, sleep: noWait });
    const report = await importFullStory(client, fullStoryUsers(2), {
      replayDelayMs: 0,
      sleep: noWait,
    });
    expect(sim.users()).toEqual([]);
    expect(codes(report)).toEqual(["fatal", "fatal"]);
    for (const reason of reasons(report)) expect(reason).not.toMatch(/may hold/);
  });
});

describe("a turned-away answer after a try that may have arrived", () => {
  it("FullStory: a lost create answer, the client's retry answered 503, then 401: FullStory may hold the users, and does", async () => {
    const sim = mountFullStory(server, {
      faults: {
        script: ({ operation, attempt }) =>
          operation !== "createBatchImport"
            ? undefined
            : ([undefined, "lost_answer" as const, vendorError(503, "unavailable")][attempt] ??
              vendorError(401, "unauthorized")),
      },
    });
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 1, sleep: noWait });
    const input = fullStoryUsers(2);
    const report = await importFullStory(client, input, {
      pollIntervalMs: 1,
      replayDelayMs: 0,
      sleep: noWait,
    });
    expect(sim.users().map((u) => u.uid)).toEqual(input.map((u) => u.uid));
    expect(codes(report)).toEqual(["fatal", "fatal"]);
    for (const reason of reasons(report)) expect(reason).toMatch(/fullstory may hold this record/);
  });

  it("FullStory: a proxy's 408 after the create went through, the client's retry answered 503, then 401: FullStory may hold the users, and does", async () => {
    // A 408 a proxy sent after it forwarded the request: the vendor acted, and nothing said so.
    const timedOut = { after: () => json({ message: "request timeout" }, 408) };
    const sim = mountFullStory(server, {
      faults: {
        script: ({ operation, attempt }) =>
          operation !== "createBatchImport"
            ? undefined
            : ([undefined, timedOut, vendorError(503, "unavailable")][attempt] ??
              vendorError(401, "unauthorized")),
      },
    });
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 1, sleep: noWait });
    const input = fullStoryUsers(2);
    const report = await importFullStory(client, input, {
      pollIntervalMs: 1,
      replayDelayMs: 0,
      sleep: noWait,
    });
    expect(sim.users().map((u) => u.uid)).toEqual(input.map((u) => u.uid));
    expect(codes(report)).toEqual(["fatal", "fatal"]);
    for (const reason of reasons(report)) expect(reason).toMatch(/fullstory may hold this record/);
  });

  it("SlashID: a lost upload, a replay answered 429, then 401: the 429 does not hide the lost upload", async () => {
    const world = slashIdWorld(server, {
      script: ({ attempt }) =>
        attempt === 1
          ? { after: () => gatewayPage(502) }
          : { answer: attempt === 2 ? slashIdError(429, "slow down") : slashIdError(401, "no") },
    });
    const report = await importSlashId(slashIdClient({ maxRetries: 0 }), persons(2, 2), {
      replayDelayMs: 0,
      sleep: noWait,
    });
    expect(world.sim.persons()).toHaveLength(2);
    expect(codes(report)).toEqual(["fatal", "fatal"]);
    for (const reason of reasons(report)) expect(reason).toMatch(/slashid may hold this record/);
  });
});

describe("a chunk whose request never reached the vendor", () => {
  /** What undici throws when nothing listens at the address. */
  const refused = () =>
    Object.assign(new TypeError("fetch failed"), {
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
        code: "ECONNREFUSED",
        syscall: "connect",
      }),
    });

  /** A SlashID client whose first `down` tries are refused a connection; later ones get `answer`. */
  function unreachableSlashId(down: number, answer: () => Response) {
    let tries = 0;
    const client = createSlashIdClient({
      apiKey: SLASHID_KEY,
      orgId: ORG_ID,
      baseUrl: "http://127.0.0.1:9",
      maxRetries: 1,
      sleep: noWait,
      fetch: () => (++tries <= down ? Promise.reject(refused()) : Promise.resolve(answer())),
    });
    return { client, tries: () => tries };
  }

  it("says how often it was tried and that no request reached the vendor, never that it was sent", async () => {
    const { client, tries } = unreachableSlashId(Infinity, () => json({}));
    const report = await importSlashId(client, persons(3, 2), {
      chunkAttempts: 2,
      replayDelayMs: 0,
      sleep: noWait,
    });
    expect(tries()).toBe(4);
    expect(codes(report)).toEqual(["network", "network"]);
    for (const reason of reasons(report)) {
      expect(reason).toMatch(
        /; tried 2 times in this run, and the chunk's request never reached slashid: a re-run/,
      );
      expect(reason).not.toMatch(/sent \d+ times?/);
    }
  });

  it("turned away (429), then refused a connection: reached the vendor, which took nothing, and says so", async () => {
    let tries = 0;
    const client = createSlashIdClient({
      apiKey: SLASHID_KEY,
      orgId: ORG_ID,
      baseUrl: "http://127.0.0.1:9",
      maxRetries: 1,
      sleep: noWait,
      fetch: () =>
        ++tries % 2 === 1
          ? Promise.resolve(json({ errors: [{ httpcode: 429, message: "slow down" }] }, 429))
          : Promise.reject(refused()),
    });
    const report = await importSlashId(client, persons(5, 2), {
      chunkAttempts: 2,
      replayDelayMs: 0,
      sleep: noWait,
    });
    expect(tries).toBe(4);
    expect(codes(report)).toEqual(["network", "network"]);
    // Each of the chunk's requests reached SlashID, which turned it away: not "never reached slashid".
    expect(report.chunks.sent).toBe(1);
    for (const reason of reasons(report)) {
      expect(reason).toMatch(/; sent 2 times in this run \(replayed by [a-z-]+\): a re-run/);
      expect(reason).not.toMatch(/never reached|may hold/);
    }
  });

  it("a port fetch refuses to connect to (undici's `bad port`): no request reached the vendor", async () => {
    const badPort = () =>
      Object.assign(new TypeError("fetch failed"), { cause: new Error("bad port") });
    const client = createSlashIdClient({
      apiKey: SLASHID_KEY,
      orgId: ORG_ID,
      baseUrl: "http://127.0.0.1:1",
      maxRetries: 0,
      sleep: noWait,
      fetch: () => Promise.reject(badPort()),
    });
    const report = await importSlashId(client, persons(2, 2), {
      chunkAttempts: 2,
      replayDelayMs: 0,
      sleep: noWait,
    });
    for (const reason of reasons(report)) {
      expect(reason).toMatch(
        /\(bad port\)\); tried 2 times in this run, and the chunk's request never reached slashid/,
      );
      expect(reason).not.toMatch(/may hold|sent \d+ times?/);
    }
  });

  it("is not said to be held by the vendor when a fatal answer follows", async () => {
    const { client } = unreachableSlashId(2, () => json({ errors: [{ message: "no" }] }, 401));
    const report = await importSlashId(client, persons(4, 2), { replayDelayMs: 0, sleep: noWait });
    expect(codes(report)).toEqual(["fatal", "fatal"]);
    for (const reason of reasons(report)) expect(reason).not.toMatch(/may hold/);
  });

  it("Propeller: refused with 401, then no renewed token to send it again: sent once, never said unsent", async () => {
    const vendor = mountPropeller(server, {
      faults: {
        script: ({ operation, attempt }) =>
          operation === "getAccessToken" && attempt > 1
            ? { answer: json({ error: "temporarily_unavailable" }, 503) }
            : undefined,
      },
      bulk: () => errorAnswer(401, 401, "Unauthorized", ["Unauthorized: invalid token"]),
    });
    const report = await importPropeller(propellerClient().client, users(2), {
      chunkAttempts: 2,
      replayDelayMs: 0,
      sleep: noWait,
    });
    expect(vendor.sent).toHaveLength(1);
    expect(report.chunks.sent).toBe(1);
    expect(codes(report)).toEqual(["network", "network"]);
    for (const reason of reasons(report)) {
      // Before, "the chunk's request never reached propeller": its first try reached it, and met the 401.
      expect(reason).toMatch(/; tried 2 times in this run, 1 of them sent \(replayed by [a-z-]+\)/);
      expect(reason).not.toMatch(/never reached|may hold/);
    }
  });

  it("Propeller: not sent for want of an access token, then 403: not said to be held by Propeller", async () => {
    let tokenDown = true;
    const vendor = mountPropeller(server, {
      faults: {
        script: ({ operation }) =>
          operation === "getAccessToken" && tokenDown
            ? { answer: json({ error: "temporarily_unavailable" }, 503) }
            : undefined,
      },
      bulk: () => errorAnswer(403, 403, "Forbidden", ["no access"]),
    });
    const report = await importPropeller(propellerClient().client, users(2), {
      replayDelayMs: 0,
      // The token endpoint is back by the time the engine sends the chunk again.
      sleep: () => {
        tokenDown = false;
        return Promise.resolve();
      },
    });
    expect(vendor.sent).toHaveLength(1);
    expect(codes(report)).toEqual(["fatal", "fatal"]);
    for (const reason of reasons(report)) expect(reason).not.toMatch(/may hold/);
  });
});
