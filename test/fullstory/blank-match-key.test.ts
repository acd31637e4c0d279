// A FullStory key of blanks only (`uid: " "`, `uid: " \u00a0"`, an empty uid, an `id` of an ideographic
// space: an exporter's blank cell): rejected before any send as `fullstory.field_type`, naming the record and
// the field, as Propeller refuses a blank match key. Before, each was sent, and FullStory (its simulator
// here) upserted a user under a uid no one can see, which a uid, set once, keeps.
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers, type FullStoryUser } from "../../src/fullstory/index.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce, expectRejected } from "../support/report.js";
import { API_KEY, mountFullStory } from "./harness.js";

const server = useMswServer();

const options = { pollIntervalMs: 1, maxPollIntervalMs: 1, sleep: async () => {} };

const BLANK_KEYS: readonly (readonly [FullStoryUser, "uid" | "id"])[] = [
  [{ uid: " ", email: "ann@example.com" }, "uid"],
  [{ uid: " \u00a0", display_name: "Bob" }, "uid"],
  [{ uid: "", email: "cy@example.com" }, "uid"],
  [{ uid: "\u2028\ufeff\t" }, "uid"],
  [{ uid: "u-dee", id: "\u3000" }, "id"],
];

describe("a FullStory uid or id of blanks only", () => {
  it("is rejected as field_type, naming the record and the field, and never sent", async () => {
    const input: FullStoryUser[] = [
      { uid: "u-first", email: "first@example.com" },
      ...BLANK_KEYS.map(([record]) => record),
      // Blanks around a uid are no blank uid: sent as given.
      { uid: " u-last ", email: "last@example.com" },
    ];
    const sent: FullStoryUser[] = [];
    const sim = mountFullStory(server, {
      faults: {
        script: async ({ operation, request }) => {
          if (operation === "createBatchImport")
            sent.push(...((await request.json()) as { requests: FullStoryUser[] }).requests);
          return undefined;
        },
      },
    });
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const report = await importUsers(client, input, options);

    expectEveryRecordOnce(report, input.length);
    expect(report).toMatchObject({ imported: 2, failed: 0, rejected: BLANK_KEYS.length });
    BLANK_KEYS.forEach(([, field], b) =>
      expectRejected(report, 1 + b, "fullstory.field_type", `${field}: must not be blank`),
    );
    expect(sent.map((user) => user.uid)).toEqual(["u-first", " u-last "]);
    expect(sim.users().map((user) => user.uid)).toEqual(["u-first", " u-last "]);
  });
});
