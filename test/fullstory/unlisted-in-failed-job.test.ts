// FullStory's lists leave out a user it imported. Whatever the job's end state, nothing FullStory said rules
// out that it holds the user: the report must not call it failed for sure (README: "where the vendor cannot
// tell, the outcome says so ('may hold')").
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/import.js";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { API_KEY, idOf, lying, mountFullStory } from "../fullstory/harness.js";

const server = useMswServer();

const users: FullStoryUser[] = [
  { uid: "u-a", email: "a@example.com" },
  { uid: "u-b", email: "b@example.com" },
  { uid: "u-c", email: "c@example.com" },
];

async function run(lies: Parameters<typeof lying>[0]) {
  const sim = mountFullStory(server, { faults: { script: lying(lies) } });
  const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
  const report = await importUsers(client, users, {
    pollIntervalMs: 1,
    sleep: async () => {},
    replayDelayMs: 0,
  });
  expectEveryRecordOnce(report, 3);
  return { sim, report };
}

describe("a user FullStory imported but its lists leave out", () => {
  it("of a job that ended FAILED: the reason says FullStory may hold the user", async () => {
    const { sim, report } = await run({ failed: true, omit: (uid) => uid === "u-c" });
    expect(idOf(sim, users[2]!)).toBeDefined();
    const o = report.outcomes[2]!;
    expect(o).toMatchObject({ outcome: "failed", code: "no_outcome" });
    expect(o.outcome === "failed" && o.reason).toMatch(/may hold/);
  });
});

describe("a user sent with no uid, id or email, in a job that ended FAILED", () => {
  // The imports list named it by the only thing that can: the id FullStory gave it. A FAILED job whose
  // imports count leaves no room for it does not place it, but the reason must not say its imports list left
  // it out.
  it("is not said to be missing from the imports list that gave a user named by its new id alone", async () => {
    const sim = mountFullStory(server, {
      faults: {
        reject: (key) => key === "uid:u-a",
        script: lying({ counts: { imports: 0, errors: 1 } }),
      },
    });
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const report = await importUsers(client, [{ uid: "u-a" }, { display_name: "Anonymous" }], {
      pollIntervalMs: 1,
      sleep: async () => {},
    });

    expect(sim.jobs()).toMatchObject([{ status: "FAILED", imports: 1, errors: 1 }]);
    const o = report.outcomes[1]!;
    expect(o.outcome === "failed" && o.reason).toMatch(
      /FAILED with 0 of 2 users counted imported \(1 counted failed\); its imports list gave 1 \(1 of them named only by the id FullStory gave it, which the users sent with no uid, id or email may be\), which leaves 0 of that count/,
    );
    expect(o).toMatchObject({ outcome: "failed", code: "no_outcome", vendorMayHold: true });
    expect(o.outcome === "failed" && o.reason).not.toMatch(/without listing this user/);
    expect(o.outcome === "failed" && o.reason).toMatch(
      /its imports list gave 1 user with only the id FullStory gave it, which this user, sent with no uid, id or email, may be/,
    );
  });
});
