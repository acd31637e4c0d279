// A refusal in Propeller's 200 whose `error` (or `message`) is not text but a value nested deeper than the call
// stack: JSON.parse reads it, JSON.stringify overflows on it. The adapter quoted it with JSON.stringify and
// threw, so the whole chunk failed `chunk_failed`, and was not sent again in the run. No answer nests so deep:
// it is malformed, and the chunk is replayed as after any answer that did not say what became of it.
import { describe, expect, it } from "vitest";
import { importUsers } from "../../src/propeller/import.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import {
  mountPropeller,
  propellerClient,
  rewritingResults,
  users,
  type BulkResults,
} from "./harness.js";

const server = useMswServer();
const DEPTH = 200_000;
// Written as text: the test's own JSON.stringify would overflow on it too.
const DEEP = `${"[".repeat(DEPTH)}${"]".repeat(DEPTH)}`;

/** Propeller's answer, its first result turned into a refusal whose `field` is {@link DEEP}. */
const refusedDeeply = (field: "error" | "message") => ({
  after: async (answer: Response) => {
    const { data } = (await answer.json()) as { data: BulkResults };
    const [first, ...rest] = data;
    const { success: _success, ...kept } = first!;
    const refused = `${JSON.stringify(kept).slice(0, -1)},"success":false,"${field}":${DEEP}}`;
    const results = [refused, ...rest.map((result) => JSON.stringify(result))].join(",");
    const body = `{"data":[${results}],"messages":["Completed"],"total":${data.length}}`;
    return new Response(body, { headers: { "Content-Type": "application/json" } });
  },
});

describe("a Propeller answer nested deeper than the stack", () => {
  it.each(["error", "message"] as const)(
    "in a refusal's `%s`: malformed, every user of the chunk saying Propeller may hold it, and replayed",
    async (field) => {
      const vendor = mountPropeller(server, { bulk: () => refusedDeeply(field) });
      const report = await importUsers(propellerClient().client, users(3), {
        sleep: async () => {},
        replayDelayMs: 0,
        chunkAttempts: 2,
      });

      expectEveryRecordOnce(report, 3);
      expect(vendor.sent).toHaveLength(2);
      for (const outcome of report.outcomes)
        expect(outcome).toMatchObject({
          outcome: "failed",
          code: "malformed",
          reason: matching(/more than 256 levels deep; .*the vendor may hold this record/),
        });
    },
  );

  it("a refusal's reason that is an object is quoted as JSON text", async () => {
    const error = { code: "E_EMAIL", detail: ["taken", { by: 7, at: null }, [], {}], ok: false };
    mountPropeller(server, {
      bulk: () => rewritingResults((data) => data.map((r) => ({ ...r, success: false, error }))),
    });
    const report = await importUsers(propellerClient().client, users(1), {
      sleep: async () => {},
      replayDelayMs: 0,
    });
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      reason: `Propeller did not write the user (success: false): ${JSON.stringify(error)}`,
    });
  });

  it("a refusal's reason in text holding an escaped quote before many brackets is its reason", async () => {
    // The brackets are text: only an escaped quote's backslash keeps them in the string.
    const error = `rejected "${"[".repeat(300)}" as a name`;
    mountPropeller(server, {
      bulk: () => rewritingResults((data) => data.map((r) => ({ ...r, success: false, error }))),
    });
    const report = await importUsers(propellerClient().client, users(1), {
      sleep: async () => {},
      replayDelayMs: 0,
    });
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      code: "rejected_by_vendor",
      reason: error,
    });
  });

  it("an answer nested 256 levels deep, the most any answer may, is read", async () => {
    // The body, its data list and a result are 3 levels: the refusal's reason adds the other 253.
    const error = JSON.parse(`${"[".repeat(253)}"taken"${"]".repeat(253)}`) as unknown;
    mountPropeller(server, {
      bulk: () => rewritingResults((data) => data.map((r) => ({ ...r, success: false, error }))),
    });
    const report = await importUsers(propellerClient().client, users(1), {
      sleep: async () => {},
      replayDelayMs: 0,
    });
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      code: "rejected_by_vendor",
      reason: matching(/^Propeller did not write the user \(success: false\): \[\[\[/),
    });
  });
});
