// In-run replay of a Propeller chunk whose answer was lost after Propeller wrote its users (issue #11): the
// upsert on source + sourceId makes sending the chunk again safe, so every user ends imported exactly once in
// the report and Propeller holds one user per key; when every answer is lost, the records fail naming the
// attempts and a re-run with the same journal sends the chunk again.
import { describe, expect, it } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { importUsers, type PropellerImportOptions } from "../../src/propeller/import.js";
import type { PropellerUser } from "../../src/propeller/validate.js";
import { json } from "../../src/testing/faults.js";
import { cutAnswer, gatewayPage } from "../../src/testing/kit/answers.js";
import { DropConnection } from "../../src/testing/simulator.js";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import {
  errorAnswer,
  hasLists,
  LISTS_NOTE,
  mountPropeller,
  propellerClient,
  userKey,
  users,
  type MountedPropeller,
} from "./harness.js";

const server = useMswServer();

/** 15 users in three chunks of 5; the second chunk is the one whose answer gets lost. */
const OPTIONS: PropellerImportOptions = { chunkRecords: 5, concurrency: 1, replayDelayMs: 0 };

const run = (input: PropellerUser[], options: PropellerImportOptions = {}) =>
  importUsers(propellerClient().client, input, { ...OPTIONS, ...options });

/** True for a request holding the second chunk (C-5 … C-9). */
const secondChunk = (sent: readonly PropellerUser[]) => sent[0]?.sourceId === "C-5";

/** What Propeller's answer becomes once it has written the users. */
const LOSSES: Record<string, () => Response> = {
  "the connection drops": () => {
    throw new DropConnection();
  },
  "the connection drops mid-answer": () => cutAnswer(),
  "a 502 gateway page comes back": () => gatewayPage(502),
  "a 504 gateway page comes back": () => gatewayPage(504),
};

/**
 * What every converged report and vendor keep: each user imported exactly once with the id Propeller holds
 * for it, one user per key at the vendor, no warning (the upsert leaves a user's fields in no doubt) but on a
 * user of the second chunk (sent again) with addresses or attributes, which Propeller may hold twice.
 */
function expectConverged(report: ImportReport, input: PropellerUser[], vendor: MountedPropeller) {
  const ids = vendor.ids();
  expect(report).toMatchObject({ total: 15, imported: 15, failed: 0, rejected: 0 });
  expect(input.slice(5, 10).filter(hasLists).length).toBeGreaterThan(0);
  expect(report.outcomes).toEqual(
    input.map((user, index) => ({
      index,
      key: userKey(user),
      outcome: "imported",
      id: String(ids.get(userKey(user))),
      ...(index >= 5 && index < 10 && hasLists(user) && { warning: matching(LISTS_NOTE) }),
    })),
  );
  expect(ids.size).toBe(15);
  expect(vendor.sim.stats()).toMatchObject({ users: 15, duplicates: 0 });
}

/** The numbers of the bulk requests that wrote each user of the second chunk (the first created it). */
const secondChunkWrites = (vendor: MountedPropeller, input: PropellerUser[]) => {
  const writes = vendor.writes();
  return input.slice(5, 10).map((user) => writes.get(userKey(user)));
};

/**
 * A first run with a journal over 15 users `seed` makes, which "dies" once Propeller wrote the second chunk,
 * before its answer is journaled.
 */
async function crashAfterSecondChunk(seed: string) {
  const journal = journalFile("propeller");
  const controller = new AbortController();
  const vendor = mountPropeller(server, {
    bulk: (_call, sent) =>
      secondChunk(sent)
        ? {
            after: (answer) => {
              controller.abort();
              return answer;
            },
          }
        : undefined,
  });
  const input = users(15, seed);
  const first = await run(input, { journal, signal: controller.signal });
  return { journal, vendor, input, first };
}

describe("Propeller: a chunk whose answer was lost is replayed within the run", () => {
  it.each(Object.entries(LOSSES))(
    "on the first attempt (%s): every user imported once, the replay answered `update`",
    async (_, lose) => {
      const vendor = mountPropeller(server, {
        bulk: (call, sent) =>
          secondChunk(sent) && call.attempt === 2 ? { after: lose } : undefined,
      });
      const input = users(15, "lost-once");
      const report = await run(input);

      expectConverged(report, input, vendor);
      expect(report.chunks).toEqual({ sent: 3, resumed: 0, replayed: 1 });
      expect(vendor.sent.map((r) => r[0]?.sourceId)).toEqual(["C-0", "C-5", "C-5", "C-10"]);
      // Created by the request whose answer was lost (the 2nd), updated by its replay (the 3rd).
      expect(secondChunkWrites(vendor, input)).toEqual(Array(5).fill([2, 3]));
    },
  );

  it("when the replay's answer is lost too: a second replay, still one user per key", async () => {
    let sends = 0;
    const vendor = mountPropeller(server, {
      bulk: (_call, sent) =>
        secondChunk(sent) && ++sends <= 2 ? { after: () => gatewayPage(502) } : undefined,
    });
    const input = users(15, "lost-twice");
    const report = await run(input);

    expectConverged(report, input, vendor);
    expect(report.chunks).toEqual({ sent: 3, resumed: 0, replayed: 2 });
    expect(vendor.sent.filter(secondChunk)).toHaveLength(3);
    expect(secondChunkWrites(vendor, input)).toEqual(Array(5).fill([2, 3, 4]));
  });

  it("after a crash between the send and the checkpoint: a re-run with the journal converges", async () => {
    const { journal, vendor, input, first } = await crashAfterSecondChunk("crash");
    expect(first.aborted).toBe(true);
    expect(secondChunkWrites(vendor, input)).toEqual(Array(5).fill([2]));
    // The interrupted run cannot know what Propeller did: it says aborted, not refused.
    for (const outcome of first.outcomes.slice(5, 10)) {
      expect(outcome).toMatchObject({ outcome: "failed", code: "aborted" });
    }

    vendor.setFaults({});
    const before = vendor.sent.length;
    const second = await run(input, { journal });

    expectConverged(second, input, vendor);
    // The first chunk's outcome came from the journal; the crashed one was sent again (Propeller answered
    // `update`), and the third for the first time.
    expect(second.chunks).toEqual({ sent: 2, resumed: 1, replayed: 0 });
    expect(vendor.sent.slice(before).map((r) => r[0]?.sourceId)).toEqual(["C-5", "C-10"]);
    expect(secondChunkWrites(vendor, input)).toEqual(Array(5).fill([2, before + 1]));
  });

  it("after a crash once Propeller wrote a chunk, a re-run refused before it sends says Propeller may hold it", async () => {
    const { journal, vendor, input } = await crashAfterSecondChunk("crash then revoked");
    expect(secondChunkWrites(vendor, input)).toEqual(Array(5).fill([2]));

    // The key is revoked before the re-run: its first token request is refused.
    vendor.setFaults({
      script: ({ operation }) =>
        operation === "getAccessToken"
          ? { answer: Response.json({ error: "invalid_client" }, { status: 401 }) }
          : undefined,
    });
    const second = await run(input, { journal });

    expect(second.fatal).toBeDefined();
    for (const outcome of second.outcomes.slice(5, 10))
      expect(outcome.outcome === "failed" && outcome.reason).toContain("propeller may hold");
    // The third chunk never went out in either run: nothing says Propeller holds it.
    for (const outcome of second.outcomes.slice(10))
      expect(outcome.outcome === "failed" && outcome.reason).not.toContain("may hold");
  });

  it("after a crash once Propeller wrote a chunk, a refusal of the re-run's send says Propeller may hold the users", async () => {
    const { journal, vendor, input } = await crashAfterSecondChunk("crash then refused");
    expect(secondChunkWrites(vendor, input)).toEqual(Array(5).fill([2]));

    // Propeller refuses the re-run's requests (a payload rule of its own), the chunk it wrote in the lost send too.
    const refusal = {
      code: 10017,
      status: 400,
      type: "PayloadValidationError",
      messages: ["payload rejected"],
    };
    vendor.setFaults({
      script: ({ operation }) =>
        operation === "bulkUsersBySourceId" ? { answer: json({ error: refusal }, 400) } : undefined,
    });
    const second = await run(input, { journal });

    for (const outcome of second.outcomes.slice(5, 10)) {
      expect(outcome).toMatchObject({ outcome: "failed", code: "10017" });
      expect(outcome.outcome === "failed" && outcome.reason).toMatch(
        /may have reached the vendor, which may hold this record$/,
      );
    }
    // The third chunk was never sent before: its refusal is Propeller's last word.
    for (const outcome of second.outcomes.slice(10))
      expect(outcome.outcome === "failed" && outcome.reason).not.toContain("may hold");
  });

  it("when every answer is lost: the records fail naming the attempts, and a re-run sends the chunk again", async () => {
    const journal = journalFile("propeller");
    const vendor = mountPropeller(server, {
      bulk: (_call, sent) => (secondChunk(sent) ? { after: () => gatewayPage(504) } : undefined),
    });
    const input = users(15, "lost-always");
    const first = await run(input, { journal, chunkAttempts: 3 });

    expect(first).toMatchObject({ total: 15, imported: 10, failed: 5 });
    expect(first.chunks).toEqual({ sent: 3, resumed: 0, replayed: 2 });
    expect(vendor.sent.filter(secondChunk)).toHaveLength(3);
    for (const outcome of first.outcomes.slice(5, 10)) {
      expect(outcome.outcome).toBe("failed");
      expect(outcome.outcome === "failed" && outcome.reason).toMatch(
        /sent 3 times in this run \(replayed by upsert\): a re-run with the same journal tries again$/,
      );
    }

    vendor.setFaults({});
    const before = vendor.sent.length;
    const second = await run(input, { journal });

    expectConverged(second, input, vendor);
    expect(second.chunks).toEqual({ sent: 1, resumed: 2, replayed: 0 });
    expect(vendor.sent.slice(before).map((r) => r[0]?.sourceId)).toEqual(["C-5"]);
  });
});

// The re-run's send of the chunk the lost send wrote is refused naming one user, and the re-send of the rest
// meets a 403 that stops the import: the named user's refusal still says Propeller may hold it.
describe("Propeller re-run: a named refusal before a fatal re-send", () => {
  it("says Propeller may hold the named user, which the earlier run's send wrote", async () => {
    const { journal, vendor, input } = await crashAfterSecondChunk("rerun fatal resend");
    const named = input[5]!;
    // Propeller holds the named user: the earlier run's lost send wrote it.
    expect(vendor.ids().has(userKey(named))).toBe(true);

    let sends = 0;
    vendor.setFaults({}, (_call, sent) => {
      if (!secondChunk(sent) && sent[0]?.sourceId !== "C-6") return undefined;
      sends += 1;
      return sends === 1
        ? errorAnswer(400, 10007, "SchemaValidationException", [
            "#/users/0: required key [email] not found",
          ])
        : errorAnswer(403, 403, "Forbidden", ["Forbidden"]);
    });
    const second = await run(input, { journal });

    expect(second.fatal).toBeDefined();
    expect(sends).toBe(2);
    const outcome = second.outcomes[5]!;
    expect(outcome).toMatchObject({ outcome: "failed", code: "10007" });
    expect(outcome.outcome === "failed" && outcome.reason).toMatch(/may hold this record/);
  });
});
