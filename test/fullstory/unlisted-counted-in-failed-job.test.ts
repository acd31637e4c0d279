// A FAILED job (FullStory: one with any failed user) whose errors list refused users and whose `imports`
// count covers every other user: FullStory counted each user it did not refuse as imported, listed or not
// ("imported successfully" or "failed to be imported", in its words). Where that count leaves room, the
// users its lists do not name are imported, as in a COMPLETED job; where it does not, they stay unknown.
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers } from "../../src/fullstory/import.js";
import { unconfirmedImports, jobCount } from "../../src/fullstory/job-counts.js";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import type { FaultOptions } from "../../src/testing/faults.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, idOf, lying, mountFullStory, sendChunk } from "./harness.js";

const server = useMswServer();

async function importOnce(input: FullStoryUser[], faults: FaultOptions) {
  const sim = mountFullStory(server, { faults });
  const report = await importUsers(
    createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 }),
    input,
    {
      pollIntervalMs: 1,
      sleep: async () => {},
    },
  );
  return { sim, report };
}

const refusingA: FaultOptions = { reject: (key) => key === "uid:u-a" };

describe("a record sent with no uid, id or email, in a FAILED job that counts every user it did not refuse imported", () => {
  it("is imported, with the id FullStory gave it, when it is the chunk's one such record", async () => {
    const { sim, report } = await importOnce(
      [{ uid: "u-a" }, { display_name: "Anonymous" }],
      refusingA,
    );

    expect(sim.jobs()).toMatchObject([{ status: "FAILED", imports: 1, errors: 1 }]);
    const anonymous = sim.users().find((user) => user.uid === undefined)!;
    expect(report.outcomes[1]).toEqual({
      index: 1,
      key: "#1",
      outcome: "imported",
      id: anonymous.id,
    });
    expect(report).toMatchObject({ imported: 1, failed: 1 });
  });

  // Placed once the counts confirmed it, its entry matched a record: no entry went unmatched.
  it("leaves no imports entry counted unmatched", async () => {
    mountFullStory(server, { faults: refusingA });
    const { outcomes, events } = await sendChunk([{ uid: "u-a" }, { display_name: "Anonymous" }]);

    expect(outcomes[1]).toMatchObject({ ok: true });
    expect(events).not.toHaveProperty("unmatched_entries");
  });

  it("is imported without an id beside another such record: nothing tells whose id is whose", async () => {
    const input: FullStoryUser[] = [
      { uid: "u-a" },
      { display_name: "Anonymous" },
      { display_name: "Guest" },
    ];
    const { sim, report } = await importOnce(input, refusingA);

    expect(sim.jobs()).toMatchObject([{ status: "FAILED", imports: 2, errors: 1 }]);
    expect(report.outcomes.slice(1)).toEqual([
      { index: 1, key: "#1", outcome: "imported" },
      { index: 2, key: "#2", outcome: "imported" },
    ]);
  });

  it("is not placed while the errors list refused a user sent so too: which of them it was is unknown", async () => {
    const guest = { display_name: "Guest" };
    const { report } = await importOnce([guest, { display_name: "Anonymous" }], {
      reject: (key) => key === `item:${JSON.stringify(guest)}`,
    });

    expect(report.outcomes.map((o) => o.outcome)).not.toContain("imported");
    const anonymous = report.outcomes[1]!;
    expect(anonymous).toMatchObject({ code: "no_outcome", vendorMayHold: true });
    expect(anonymous.outcome === "failed" && anonymous.reason).toMatch(
      /ended FAILED; its imports list gave 1 user with only the id FullStory gave it, which this user, sent with no uid, id or email, may be, while its errors list refused a user sent so too/,
    );
  });
});

describe("a user a FAILED job's lists leave out", () => {
  const input: FullStoryUser[] = [{ uid: "u-a" }, { uid: "u-b" }, { uid: "u-c" }];

  it("is imported when the imports count, less the imports listed, covers it beside the users refused", async () => {
    const { sim, report } = await importOnce(input, {
      ...refusingA,
      script: lying({ omit: (uid) => uid === "u-c" }),
    });

    expect(sim.jobs()).toMatchObject([{ status: "FAILED", imports: 2, errors: 1 }]);
    expect(idOf(sim, input[2]!)).toBeDefined();
    expect(report.outcomes[2]).toEqual({ index: 2, key: "u-c", outcome: "imported" });
  });

  it("stays unknown when the count leaves no room for it, and the reason gives the counts", async () => {
    const { sim, report } = await importOnce(input, {
      ...refusingA,
      script: lying({ omit: (uid) => uid === "u-c", counts: { imports: 1, errors: 2 } }),
    });

    const o = report.outcomes[2]!;
    expect(o).toMatchObject({ outcome: "failed", code: "no_outcome", vendorMayHold: true });
    expect(o.outcome === "failed" && o.reason).toBe(
      `FullStory batch import job ${sim.jobs()[0]!.id} FAILED with 1 of 3 users counted imported (2 counted failed); its imports list gave 1, which leaves 0 of that count for the 1 user neither list names: FullStory did not say what happened to this user, whom neither of its lists names; whether it was imported is unknown: the vendor may hold this record`,
    );
  });

  // FullStory refused u-c too, and its lists and counts leave that out: a count of the chunk's failures
  // that, with the imports, does not make up the chunk is wrong somewhere, and may be wrong about u-c.
  const refusingAC: FaultOptions = { reject: (key) => key === "uid:u-a" || key === "uid:u-c" };

  it("stays unknown when the counts leave users of the chunk neither imported nor failed", async () => {
    const { sim, report } = await importOnce(input, {
      ...refusingAC,
      script: lying({ omit: (uid) => uid === "u-c", counts: { imports: 2, errors: 0 } }),
    });

    expect(sim.jobs()).toMatchObject([{ status: "FAILED", imports: 1, errors: 2 }]);
    const o = report.outcomes[2]!;
    expect(o).toMatchObject({ outcome: "failed", code: "no_outcome", vendorMayHold: true });
    expect(o.outcome === "failed" && o.reason).toBe(
      `FullStory batch import job ${sim.jobs()[0]!.id} FAILED with 2 of 3 users counted imported (0 counted failed): its counts leave 1 user neither imported nor failed, which confirms nothing: FullStory did not say what happened to this user, whom neither of its lists names; whether it was imported is unknown: the vendor may hold this record`,
    );
    expect(report).toMatchObject({ imported: 1, failed: 2 });
  });

  it("stays unknown when the status gives no errors count", async () => {
    const { report } = await importOnce(input, {
      ...refusingAC,
      script: lying({ omit: (uid) => uid === "u-c", counts: { imports: 2, errors: null } }),
    });

    const o = report.outcomes[2]!;
    expect(o).toMatchObject({ outcome: "failed", code: "no_outcome", vendorMayHold: true });
    expect(o.outcome === "failed" && o.reason).toMatch(
      /FAILED with 2 of 3 users counted imported \(no failures counted\): without an errors count, its counts do not show each of the chunk's users imported or failed, which confirms nothing/,
    );
  });
});

describe("a FAILED job's counts", () => {
  const tally = {
    status: "FAILED",
    size: 3,
    listedImports: 1,
    unlisted: 1,
    listedFailures: 1,
  } as const;

  // The spec requires `imports` (the client refuses a status without it): COMPLETED alone confirms, FAILED,
  // which says some users failed, does not.
  it("confirm nothing without an imports count", () => {
    expect(
      unconfirmedImports({ ...tally, imports: jobCount(undefined, 3), errors: jobCount(1, 3) }),
    ).toMatch(/^FAILED, which says some of its users failed, and its status gave no imports count/);
  });

  it("confirm nothing while its errors list refused none of the chunk's users", () => {
    expect(
      unconfirmedImports({
        ...tally,
        listedFailures: 0,
        imports: jobCount(2, 3),
        errors: jobCount(0, 3),
      }),
    ).toMatch(
      /refused none of the chunk's users, so the failure FAILED tells of may be this user's/,
    );
  });
});
