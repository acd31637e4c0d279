// A record with neither uid, id nor email (a user FullStory creates, named by nothing but the id it gives it)
// in a job that COMPLETED with every user counted imported and listed: FullStory did say what happened to it.
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/import.js";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, lying, mountFullStory } from "./harness.js";

const server = useMswServer();

const importOnce = (input: FullStoryUser[]) =>
  importUsers(createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 }), input, {
    pollIntervalMs: 1,
    sleep: async () => {},
  });

describe("a record FullStory can name only by the id it gives it, in a COMPLETED job", () => {
  it("is imported, with that id, when the job lists and counts every user", async () => {
    const sim = mountFullStory(server);
    const input: FullStoryUser[] = [{ uid: "u-1" }, { display_name: "Anonymous" }];
    const report = await importOnce(input);

    expect(sim.jobs()).toMatchObject([{ status: "COMPLETED", imports: 2, errors: 0 }]);
    const anonymous = sim.users().find((user) => user.uid === undefined)!;
    expect(report.outcomes[1]).toEqual({
      index: 1,
      key: "#1",
      outcome: "imported",
      id: anonymous.id,
    });
    expect(report.imported).toBe(2);
  });

  // A record with an email only is named by its email: it is no second record that only a new id names.
  it("is imported, with that id, beside a record that has an email only", async () => {
    const sim = mountFullStory(server);
    const input: FullStoryUser[] = [
      { email: seededFaker("fullstory-keyless").internet.email().toLowerCase() },
      { display_name: "Anonymous" },
    ];
    const report = await importOnce(input);

    const anonymous = sim.users().find((user) => user.email === undefined)!;
    expect(report.outcomes[1]).toEqual({
      index: 1,
      key: "#1",
      outcome: "imported",
      id: anonymous.id,
    });
  });

  it("is imported without an id when the chunk holds several such records: nothing tells whose id is whose", async () => {
    const sim = mountFullStory(server);
    const input: FullStoryUser[] = [{ display_name: "Anonymous" }, { display_name: "Guest" }];
    const report = await importOnce(input);

    expect(sim.users()).toHaveLength(2);
    expect(report.outcomes).toEqual([
      { index: 0, key: "#0", outcome: "imported" },
      { index: 1, key: "#1", outcome: "imported" },
    ]);
  });

  // A user never sent (or a second one made of the record) listed by a new id alone as well: which of the
  // two, if any, is the record's is unknown, so the list names it no more than a record it leaves out, and
  // only the counts can confirm it, as they confirm such a record.
  describe("when the imports list gives two such users for it", () => {
    const ghost = { id: "ghost-1" };

    it("fails no_outcome while the counts confirm no user more than the list gives", async () => {
      const sim = mountFullStory(server, {
        faults: { script: lying({ ghosts: { imports: [ghost] } }) },
      });
      const report = await importOnce([{ display_name: "Anonymous" }, { uid: "u-a" }]);

      expect(report.outcomes[0]).toEqual({
        index: 0,
        key: "#0",
        outcome: "failed",
        code: "no_outcome",
        vendorMayHold: true,
        reason: `FullStory batch import job ${sim.jobs()[0]!.id} COMPLETED with 2 of 2 users counted imported (0 counted failed); its imports list gave 3 (2 of them named only by the id FullStory gave them, which this user, sent with no uid, id or email, may be), which leaves 0 of that count for the 1 user neither list names by a uid, id or email; whether it was imported is unknown: the vendor may hold this record`,
      });
      expect(report.outcomes[1]).toMatchObject({ outcome: "imported" });
    });

    // Its own user left out, and a count that holds only the other record's: nothing says FullStory holds it.
    it("is not reported imported when the count leaves no room for it", async () => {
      mountFullStory(server, {
        faults: {
          script: lying({
            omit: (uid) => uid === undefined,
            ghosts: { imports: [ghost, { id: "ghost-2" }] },
            counts: { imports: 1, errors: 0 },
          }),
        },
      });
      const report = await importOnce([{ display_name: "Anonymous" }, { uid: "u-a" }]);

      expect(report.outcomes[0]).toMatchObject({
        outcome: "failed",
        code: "no_outcome",
        reason: matching(/COMPLETED with 1 of 2 users counted imported/),
      });
    });
  });

  it("is not placed by elimination when a job said COMPLETED yet refused a user with no uid, id or email", async () => {
    // FullStory refuses the Guest and says COMPLETED all the same (its documented COMPLETED has no errors).
    mountFullStory(server, {
      faults: {
        reject: (key) => key === `item:${JSON.stringify({ display_name: "Guest" })}`,
        script: ({ operation }) =>
          operation === "getBatchImportStatus"
            ? {
                after: async (answer) => {
                  const body = (await answer.json()) as { job: { status: string } };
                  return Response.json({ ...body, job: { ...body.job, status: "COMPLETED" } });
                },
              }
            : undefined,
      },
    });
    const input: FullStoryUser[] = [{ display_name: "Guest" }, { display_name: "Anonymous" }];
    const report = await importOnce(input);
    // The Guest, whom FullStory refused, must not take the Anonymous user's import.
    expect(report.outcomes.map((o) => o.outcome)).not.toContain("imported");
    // Nor is the Anonymous user said to be one neither list names: the imports list gave its new id.
    const anonymous = report.outcomes[1]!;
    expect(anonymous).toMatchObject({ code: "no_outcome", vendorMayHold: true });
    expect(anonymous.outcome === "failed" && anonymous.reason).not.toMatch(/neither/);
    expect(anonymous.outcome === "failed" && anonymous.reason).toMatch(
      /ended COMPLETED; its imports list gave 1 user with only the id FullStory gave it, which this user, sent with no uid, id or email, may be, while its errors list refused a user sent so too/,
    );
  });
});
