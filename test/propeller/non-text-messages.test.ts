// Propeller's `messages` hold text. In a 400 (documented) the client's answer check refuses any other item
// first (the chunk fails `malformed`); a 422 is undocumented, so its body is read field by field unchecked,
// and only its text messages may name a user or be quoted: a number, a null or a nested list is not
// Propeller's word about a user, even one whose text would read as `#/users/<n>`.
import { expect, it } from "vitest";
import { importUsers } from "../../src/propeller/import.js";
import { json } from "../../src/testing/faults.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { mountPropeller, propellerClient, userKey, users } from "./harness.js";

const server = useMswServer();

const refusal = (messages: unknown[]) => ({
  answer: json(
    { error: { code: 10007, messages, status: 422, type: "SchemaValidationException" } },
    422,
  ),
});

it("a 422's messages that are not text name no user and are not quoted", async () => {
  const input = users(3);
  const vendor = mountPropeller(server, {
    bulk: (call) =>
      call.attempt === 1
        ? refusal([7, ["#/users/1: nested"], "#/users/0: required key [email] not found"])
        : refusal([42, null, { a: 1 }, "#/users/0: required key [firstName] not found"]),
  });
  const report = await importUsers(propellerClient().client, input, { chunkRecords: 3 });

  expectEveryRecordOnce(report, 3);
  // The re-send leaves out only the user a text message named.
  expect(vendor.sent.map((sent) => sent.map(userKey))).toEqual([
    input.map(userKey),
    input.slice(1).map(userKey),
  ]);
  expect(report.outcomes.map((o) => o.outcome === "failed" && [o.code, o.reason])).toEqual([
    ["10007", "#/users/0: required key [email] not found"],
    ["10007", "#/users/0: required key [firstName] not found"],
    [
      "10007",
      "Propeller refused the request again after the users it named were removed " +
        "(SchemaValidationException: #/users/0: required key [firstName] not found), " +
        "presumably writing nothing of it",
    ],
  ]);
});

it("a 400 with a message that is not text fails the chunk as malformed, unread by the adapter", async () => {
  mountPropeller(server, {
    bulk: () => ({
      answer: json(
        {
          error: {
            code: 10007,
            messages: [7, "#/users/0: required key [email] not found"],
            status: 400,
            type: "SchemaValidationException",
          },
        },
        400,
      ),
    }),
  });
  const report = await importUsers(propellerClient().client, users(2), { chunkRecords: 2 });

  for (const o of report.outcomes)
    expect(o).toMatchObject({
      outcome: "failed",
      code: "malformed",
      reason: expect.stringContaining(
        "field error.messages[0] is a number, expected string",
      ) as unknown,
    });
});
