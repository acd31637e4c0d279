// Propeller's per-user results drifting from the spec: `action` is documented as `create` or `update`, and
// the client's answer check reads it only as text. A kind Propeller adds later (`skipped`, `unchanged`) may
// not mean the user was written as sent: the report keeps Propeller's `success`, and says so.
import { describe, expect, it } from "vitest";
import { importUsers } from "../../src/propeller/import.js";
import { json, type FaultCall } from "../../src/testing/faults.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { mountPropeller, propellerClient, rewritingResults, users } from "./harness.js";

const server = useMswServer();

describe("a Propeller result whose action the spec does not name", () => {
  it("is imported on its success, with a warning that names the action", async () => {
    mountPropeller(server, {
      bulk: () => rewritingResults((data) => data.map((r) => ({ ...r, action: "skipped" }))),
    });
    const report = await importUsers(propellerClient().client, users(2), {
      sleep: async () => {},
      replayDelayMs: 0,
    });

    expectEveryRecordOnce(report, 2);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({
        outcome: "imported",
        warning: matching(/action "skipped", which its documentation does not name/),
      });
    }
  });
});

describe("a Propeller refusal whose error is not text", () => {
  it("keeps Propeller's words as its reason", async () => {
    mountPropeller(server, {
      bulk: () =>
        rewritingResults((data) =>
          data.map((r) => ({
            ...r,
            success: false,
            error: { code: "E_EMAIL", detail: "email is already taken" },
          })),
        ),
    });
    const report = await importUsers(propellerClient().client, users(1), {
      sleep: async () => {},
      replayDelayMs: 0,
    });
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      code: "rejected_by_vendor",
      reason: matching(
        /^Propeller did not write the user \(success: false\): .*email is already taken/,
      ),
    });
  });

  it("an empty error gives way to the message", async () => {
    mountPropeller(server, {
      bulk: () =>
        rewritingResults((data) =>
          data.map((r) => ({ ...r, success: false, error: "", message: "email is invalid" })),
        ),
    });
    const report = await importUsers(propellerClient().client, users(1), {
      sleep: async () => {},
      replayDelayMs: 0,
    });
    expect(report.outcomes[0]).toMatchObject({ outcome: "failed", reason: "email is invalid" });
  });

  // A null error says nothing: "gave no reason" was untrue of a refusal whose message gives one.
  it("a null error gives way to the message", async () => {
    mountPropeller(server, {
      bulk: () =>
        rewritingResults((data) =>
          data.map((r) => ({ ...r, success: false, error: null, message: "email is invalid" })),
        ),
    });
    const report = await importUsers(propellerClient().client, users(1), {
      sleep: async () => {},
      replayDelayMs: 0,
    });
    expect(report.outcomes[0]).toMatchObject({ outcome: "failed", reason: "email is invalid" });
  });
});

describe("a Propeller 400 whose error code is text", () => {
  // Propeller's error table calls `code` a string, where its examples show a number: either is its answer.
  it("fails the users it names with that code, and sends the rest again", async () => {
    let requests = 0;
    const vendor = mountPropeller(server, {
      bulk: () =>
        requests++ === 0
          ? {
              answer: json(
                {
                  error: {
                    code: "10007",
                    messages: ["#/users/1: required key [firstName] not found"],
                    status: 400,
                    type: "SchemaValidationException",
                  },
                },
                400,
              ),
            }
          : undefined,
    });
    const report = await importUsers(propellerClient().client, users(3), {
      sleep: async () => {},
      replayDelayMs: 0,
    });

    expectEveryRecordOnce(report, 3);
    expect(vendor.sent.map((request) => request.length)).toEqual([3, 2]);
    expect(report.outcomes.map((o) => (o.outcome === "failed" ? o.code : o.outcome))).toEqual([
      "imported",
      "10007",
      "imported",
    ]);
  });
});

describe("a Propeller 400 naming no user, with an empty code and type", () => {
  // An empty code is no code and an empty type no type: the report shows the status and the messages alone.
  it("fails the request's users with the HTTP status as code and Propeller's messages as reason", async () => {
    mountPropeller(server, {
      bulk: () => ({
        answer: json(
          { error: { code: "", messages: ["Invalid JSON Payload"], status: 400, type: "" } },
          400,
        ),
      }),
    });
    const report = await importUsers(propellerClient().client, users(2), {
      sleep: async () => {},
      replayDelayMs: 0,
    });

    expectEveryRecordOnce(report, 2);
    expect(report.outcomes.map((o) => o.outcome === "failed" && [o.code, o.reason])).toEqual(
      Array(2).fill(["400", "Invalid JSON Payload"]),
    );
  });
});

describe("a Propeller 200 with its results alone", () => {
  // Propeller's schema lists `data` alone; `messages` and `total` are in its example only. An answer without
  // them still says, user by user, what Propeller wrote: it was taken as unreadable and sent again, in vain.
  it("imports its users from `data`, in one request", async () => {
    const vendor = mountPropeller(server, {
      bulk: () => ({
        after: async (answer: Response) => {
          const { data } = (await answer.json()) as { data: unknown };
          return json({ data });
        },
      }),
    });
    const report = await importUsers(propellerClient().client, users(2), {
      sleep: async () => {},
      replayDelayMs: 0,
    });

    expectEveryRecordOnce(report, 2);
    expect(vendor.sent).toHaveLength(1);
    expect(report.outcomes.map((o) => o.outcome)).toEqual(["imported", "imported"]);
  });
});

// Propeller's words in a result are shown cut short (an action to 100 characters, an error object to 300): an
// access token echoed across the cut would leave a piece too short for the report's own scrubbing to know.
describe("a Propeller result echoing the request's access token across the cut of its words", () => {
  /** The access token of the bulk request `call` carries. */
  const tokenOf = (call: FaultCall) =>
    (call.request.headers.get("authorization") ?? "").replace(/^Bearer /, "");

  it.each([
    // `"` and 94 characters, then the token's first 5 before the cut at 100.
    [
      "an action the spec does not name",
      (token: string) => ({ action: `${"x".repeat(94)}${token}` }),
    ],
    // `{"detail":"` and 284 characters, then the token's first 5 before the cut at 300.
    [
      "an error that is not text",
      (token: string) => ({ success: false, error: { detail: `${"x".repeat(284)}${token}` } }),
    ],
  ])("%s: no piece of the token is in the report", async (_, echoing) => {
    const tokens: string[] = [];
    mountPropeller(server, {
      bulk: (call) => {
        const token = tokenOf(call);
        tokens.push(token);
        return rewritingResults((data) => data.map((r) => ({ ...r, ...echoing(token) })));
      },
    });
    const report = await importUsers(propellerClient().client, users(1), {
      sleep: async () => {},
      chunkAttempts: 1,
    });

    expect(tokens[0]!.length).toBeGreaterThan(5);
    const text = JSON.stringify(report);
    expect(text).toMatch(/x{50}/);
    for (const token of tokens) expect(text).not.toContain(`x${token.slice(0, 5)}`);
  });
});
