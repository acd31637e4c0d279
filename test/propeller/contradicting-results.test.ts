// Propeller answers 200 with two results for one user sent: one says it wrote the user, the other that it did
// not. The report may say neither: not imported (Propeller also refused it), not failed for Propeller's
// reason (Propeller also wrote it). Propeller upserts, so a replay asks again.
import { describe, expect, it } from "vitest";
import { importUsers } from "../../src/propeller/import.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import {
  mountPropeller,
  propellerClient,
  refusal,
  rewritingResults as answering,
  users,
  type BulkResults as Results,
} from "./harness.js";

const server = useMswServer();
/** The first user's result, then a refusal of it after every other result. */
const refusedAfter = answering((data) => [...data, refusal(data[0]!)]);
/** A refusal of the first user in its place, and its success after every other result. */
const writtenAfter = answering((data) => [refusal(data[0]!), ...data.slice(1), data[0]!]);

const importOf = (n: number) =>
  importUsers(propellerClient().client, users(n), { sleep: async () => {}, replayDelayMs: 0 });

describe("a 200 that says both that it wrote a user and that it did not", () => {
  it.each([
    ["wrote it, then refused it", refusedAfter],
    ["refused it, then wrote it", writtenAfter],
  ])("%s: the user is neither imported nor refused, and Propeller may hold it", async (_, lie) => {
    mountPropeller(server, { bulk: () => lie });
    const report = await importOf(3);

    expectEveryRecordOnce(report, 3);
    expect(report).toMatchObject({ imported: 2, failed: 1 });
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      code: "no_outcome",
      reason: matching(
        /2 results for sourceId .*some saying it wrote the user.*may hold this user/,
      ),
    });
  });

  // Two refusals say the same thing twice: nothing says Propeller wrote the user.
  it("refused twice: failed with Propeller's reason, not said to be held", async () => {
    mountPropeller(server, {
      bulk: () => answering((data) => [refusal(data[0]!), ...data.slice(1), refusal(data[0]!)]),
    });
    const report = await importOf(3);

    expectEveryRecordOnce(report, 3);
    expect(report).toMatchObject({ imported: 2, failed: 1 });
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      code: "rejected_by_vendor",
      reason: "invalid",
    });
  });

  it("is settled by a replay that answers once for the user", async () => {
    mountPropeller(server, { bulk: (call) => (call.attempt === 1 ? refusedAfter : undefined) });
    const report = await importOf(3);

    expectEveryRecordOnce(report, 3);
    expect(report.imported).toBe(3);
  });

  it("two successes for one user under two ids: imported without an id, with a warning", async () => {
    mountPropeller(server, {
      bulk: () => answering((data) => [...data, { ...data[0]!, id: 999 }]),
    });
    const report = await importOf(3);

    expectEveryRecordOnce(report, 3);
    expect(report.imported).toBe(3);
    expect(report.outcomes[0]).toMatchObject({
      outcome: "imported",
      warning: matching(/2 results for sourceId .*under 2 ids: which is this user's is unknown/),
    });
    expect(report.outcomes[0]).not.toHaveProperty("id");
    expect(report.outcomes[1]).toHaveProperty("id");
  });

  it.each([
    ["without an id", (result: Results[number]) => ({ ...result, id: undefined })],
    ["with a null id", (result: Results[number]) => ({ ...result, id: null as unknown as number })],
  ])("a second success %s contradicts nothing: imported with the id given", async (_, idless) => {
    mountPropeller(server, {
      bulk: () => answering((data) => [...data, idless(data[0]!)]),
    });
    const report = await importOf(3);

    expect(report.imported).toBe(3);
    expect(report.outcomes[0]).toHaveProperty("id");
    expect(report.outcomes[0]).not.toHaveProperty("warning");
  });

  it("a success with an empty id gives no id", async () => {
    mountPropeller(server, {
      bulk: () =>
        answering((data) => [{ ...data[0]!, id: "" as unknown as number }, ...data.slice(1)]),
    });
    const report = await importOf(3);

    expect(report.outcomes[0]).toMatchObject({ outcome: "imported" });
    expect(report.outcomes[0]).not.toHaveProperty("id");
  });

  it("a result for a sourceId never sent changes no user's outcome", async () => {
    mountPropeller(server, {
      bulk: () => answering((data) => [...data, { ...data[0]!, key: "never-sent", id: 999 }]),
    });
    const report = await importOf(3);

    expectEveryRecordOnce(report, 3);
    expect(report.imported).toBe(3);
    expect(report.outcomes.map((o) => (o.outcome === "imported" ? o.id : o))).not.toContain("999");
  });
});
