// Numbers in Propeller's answer that JSON.parse cannot read exactly. An id beyond 2^53 is read as a nearby
// integer, which may be another user's id: the report must not show it as this user's.
import { describe, expect, it } from "vitest";
import { importUsers } from "../../src/propeller/import.js";
import { useMswServer } from "../support/msw.js";
import { matching } from "../support/matchers.js";
import { mountPropeller, propellerClient, users } from "./harness.js";

const server = useMswServer();

/** Propeller's 200 for `sent`, written by hand so that each id is the JSON number text `ids[n]`. */
const answerWithIds = (ids: readonly string[]) => ({
  bulk: (_call: unknown, sent: readonly { sourceId: string | number }[]) => ({
    answer: new Response(
      `{"data":[${sent
        .map(
          (user, n) =>
            `{"action":"create","id":${ids[n]},"key":${JSON.stringify(user.sourceId)},"lookupKey":"sourceId","success":true}`,
        )
        .join(",")}],"messages":[],"total":${sent.length}}`,
      { status: 200, headers: { "content-type": "application/json" } },
    ),
  }),
});

describe("Propeller ids JSON cannot carry exactly", () => {
  it("an id beyond 2^53 is left out with a warning, not shown rounded; an exact one is shown", async () => {
    // 9007199254740993 reads as 9007199254740992, another id.
    mountPropeller(server, answerWithIds(["9007199254740993", "9007199254740991"]));
    const report = await importUsers(propellerClient().client, users(2), {
      sleep: async () => {},
    });
    expect(report.outcomes[0]).toMatchObject({
      outcome: "imported",
      warning: matching(/id .*cannot be read exactly/),
    });
    expect(report.outcomes[0]).not.toHaveProperty("id");
    expect(report.outcomes[1]).toEqual({
      index: 1,
      key: expect.any(String) as unknown,
      outcome: "imported",
      id: "9007199254740991",
    });
  });
});

describe("result keys JSON cannot carry exactly", () => {
  it("a result whose key is a number beyond 2^53 is no one's: not the user whose sourceId it rounds to", async () => {
    // Propeller echoes each sourceId as a number and leaves the second user out. The first user's key,
    // 9007199254740993, reads as 9007199254740992: the second user's sourceId.
    mountPropeller(server, {
      bulk: (_call, sent) =>
        sent.length === 2
          ? {
              answer: new Response(
                `{"data":[{"action":"create","id":7,"key":${String(sent[0]!.sourceId)},"lookupKey":"sourceId","success":false,"error":"refused: the first user's own reason"}],"messages":[],"total":1}`,
                { status: 200, headers: { "content-type": "application/json" } },
              ),
            }
          : undefined,
    });
    const input = users(2).map((user, n) => ({
      ...user,
      sourceId: ["9007199254740993", "9007199254740992"][n]!,
    }));
    const report = await importUsers(propellerClient().client, input, {
      sleep: async () => {},
      replayDelayMs: 0,
    });
    for (const outcome of report.outcomes)
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "no_outcome",
        reason: matching(
          /^Propeller's answer holds no result for sourceId \d+ \(a result's key is a number that is no safe integer, which cannot be read exactly\): Propeller may hold this user/,
        ),
      });
  });
});
