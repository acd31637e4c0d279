// The same user twice in one input, in two chunks sent at once: the vendor must end with the values of the
// input's later record (the report's warning says the vendor keeps "the values written last"; an integrator
// reads that as the input's last record), even when the earlier chunk is replayed after a lost answer.
import { describe, expect, it } from "vitest";
import { importUsers } from "../../src/propeller/import.js";
import { gatewayPage } from "../../src/testing/kit/answers.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers as importFullStory, type FullStoryUser } from "../../src/fullstory/index.js";
import { importUsers as importSlashId } from "../../src/slashid/import.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, fullStoryError, mountFullStory } from "../fullstory/harness.js";
import { mountPropeller, propellerClient } from "../propeller/harness.js";
import { slashIdClient, slashIdWorld } from "../slashid/harness.js";

const server = useMswServer();

describe("a repeated key across chunks in flight together", () => {
  it("Propeller ends with the later record's values when the earlier chunk's answer is lost and it is replayed", async () => {
    let lost = false;
    const vendor = mountPropeller(server, {
      // The first send of the earlier record's chunk is processed, but its answer is lost behind a gateway.
      bulk: (_call, users) => {
        if (!lost && users[0]?.firstName === "Old") {
          lost = true;
          return { after: () => gatewayPage(504) };
        }
        return undefined;
      },
    });
    const report = await importUsers(
      propellerClient().client,
      [
        { source: "CRM", sourceId: "1", firstName: "Old" },
        { source: "CRM", sourceId: "1", firstName: "New" },
      ],
      { chunkRecords: 1, concurrency: 2, replayDelayMs: 20 },
    );
    expect(report.outcomes.map((o) => [o.index, o.outcome])).toEqual(
      expect.arrayContaining([
        [0, "imported"],
        [1, "imported"],
      ]),
    );
    expect(report.total).toBe(2);
    // The report says record 1 was imported and that Propeller keeps the values written last: those must be
    // record 1's, the input's last word on this user.
    expect(vendor.sim.users()).toHaveLength(1);
    expect(vendor.sim.users()[0]?.fields.firstName).toBe("New");
    expect(vendor.sim.stats().duplicates).toBe(0);
  });
});

describe("a key repeated three times, over three chunks in flight together", () => {
  it("Propeller ends with the third record's values when the second one's chunk is replayed", async () => {
    let lost = false;
    const vendor = mountPropeller(server, {
      bulk: (_call, users) => {
        if (!lost && users[0]?.firstName === "Second") {
          lost = true;
          return { after: () => gatewayPage(504) };
        }
        return undefined;
      },
    });
    const report = await importUsers(
      propellerClient().client,
      ["First", "Second", "Third"].map((firstName) => ({
        source: "CRM",
        sourceId: "1",
        firstName,
      })),
      { chunkRecords: 1, concurrency: 4, replayDelayMs: 20 },
    );
    expect(report).toMatchObject({ total: 3, imported: 3 });
    expect(vendor.sim.users()).toHaveLength(1);
    expect(vendor.sim.users()[0]?.fields.firstName).toBe("Third");
  });
});

describe("SlashID, one person in two files uploaded at once (concurrency 2)", () => {
  it("in the world where SlashID updates a person, it ends with the later record's region after a lost answer", async () => {
    let lost = false;
    const world = slashIdWorld(server, {
      existingPersons: "upsert",
      // The first upload of the earlier record's file is processed; its answer is lost behind a gateway.
      script: async (call) => {
        const body = await call.request.clone().text();
        if (lost || !body.includes("us-iowa")) return undefined;
        lost = true;
        return { after: () => gatewayPage(502) };
      },
    });
    const report = await importSlashId(
      slashIdClient(),
      [
        // The same person by a shared username: the keys differ (the first email, else the username).
        { emails: ["ann@example.com"], usernames: ["ann"], region: "us-iowa" },
        { usernames: ["ann"], region: "europe-belgium" },
      ],
      { chunkRecords: 1, concurrency: 2, replayDelayMs: 20 },
    );
    expect(report).toMatchObject({ total: 2, imported: 2 });
    expect(world.sim.persons()).toHaveLength(1);
    expect(world.sim.persons()[0]?.region).toBe("europe-belgium");
  });
});

describe("a repeat waiting for its earlier record's chunk", () => {
  it("is not sent once that chunk's answer stopped the import, and fails fatal saying so", async () => {
    const vendor = mountPropeller(server, {
      bulk: (_call, users) =>
        users[0]?.firstName === "Old"
          ? { answer: Response.json({ error: "invalid_token" }, { status: 403 }) }
          : undefined,
    });
    const report = await importUsers(
      propellerClient().client,
      [
        { source: "CRM", sourceId: "1", firstName: "Old" },
        { source: "CRM", sourceId: "1", firstName: "New" },
        { source: "CRM", sourceId: "2", firstName: "Other" },
      ],
      { chunkRecords: 1, concurrency: 3, replayDelayMs: 20 },
    );
    expect(report.fatal).toBeDefined();
    expect(report.total).toBe(3);
    expect(report.outcomes.find((o) => o.index === 1)).toMatchObject({
      outcome: "failed",
      code: "fatal",
      reason: matching(/^not sent: /),
    });
    // No request of the repeat went out.
    expect(vendor.sent.flat().filter((u) => u.firstName === "New")).toEqual([]);
  });
});

describe("FullStory, a repeated uid across two batches in flight together", () => {
  it("ends with the later record's values when the earlier batch's first try was turned away and retried", async () => {
    let turnedAway = false;
    const sim = mountFullStory(server, {
      faults: {
        script: async ({ operation, request }) => {
          if (operation !== "createBatchImport" || turnedAway) return undefined;
          const { requests } = (await request.json()) as { requests: FullStoryUser[] };
          if (requests[0]?.display_name !== "Old") return undefined;
          turnedAway = true;
          // FullStory takes its time, then turns the earlier batch away (nothing processed): the client
          // retries it under the same Idempotency-Key.
          return {
            answer: async () => {
              await new Promise((resolve) => setTimeout(resolve, 100));
              return fullStoryError(429, "too_many_requests");
            },
          };
        },
      },
    });
    const fullstory = createFullStoryClient({ apiKey: API_KEY, retryBaseDelayMs: 1 });
    const report = await importFullStory(
      fullstory,
      [
        { uid: "u-1", display_name: "Old" },
        { uid: "u-1", display_name: "New" },
      ],
      { chunkRecords: 1, concurrency: 2, pollIntervalMs: 10, maxPollIntervalMs: 20 },
    );
    expect(report).toMatchObject({ total: 2, imported: 2 });
    expect(sim.users()).toHaveLength(1);
    // Record 1 is the input's last word on u-1, and the report says FullStory keeps the values written last.
    expect(sim.users()[0]?.display_name).toBe("New");
    expect(sim.stats().duplicates).toBe(0);
  });
});
