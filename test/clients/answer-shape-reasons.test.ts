// What a 2xx answer that does not have its documented shape says: the `malformed` reason goes into the report
// for every user of the chunk, so it must name what is wrong where, in the spec's order, and not run on.
import { expect, it } from "vitest";
import { json } from "../../src/testing/faults.js";
import { useMswServer } from "../support/msw.js";
import { mountPropeller, propellerClient, users } from "../propeller/harness.js";

const server = useMswServer();

/** The reason Propeller's client gives for a bulk answer of 200 with `body`. */
async function reasonFor(body: unknown): Promise<unknown> {
  mountPropeller(server, { bulk: () => ({ answer: json(body) }) });
  const result = await propellerClient().client.bulkUsersBySourceId({ body: { users: users(1) } });
  if (result.ok || result.error.status !== "malformed") throw new Error("expected malformed");
  return result.error["reason"];
}

const result = { action: "created", key: "CRM:C-0", lookupKey: "sourceId", success: true };

it("names the first five problems only, in the order of the results", async () => {
  const { success: _success, ...withoutSuccess } = result;
  const data = Array.from({ length: 7 }, () => withoutSuccess);
  expect(await reasonFor({ data })).toBe(
    [0, 1, 2, 3, 4].map((i) => `missing required field data[${i}].success`).join("; "),
  );
});

it("names the fields one result lacks in the spec's order", async () => {
  expect(await reasonFor({ data: [{ action: "created", key: "CRM:C-0" }] })).toBe(
    "missing required field data[0].lookupKey; missing required field data[0].success",
  );
});

it("names every type a field may have, and the kind of value it had", async () => {
  expect(await reasonFor({ data: [{ ...result, key: true }] })).toBe(
    "field data[0].key is a boolean, expected string or integer",
  );
  expect(await reasonFor({ data: [{ ...result, key: 1.5 }] })).toBe(
    "field data[0].key is a number, expected string or integer",
  );
});

it("an array or null for an object, or an object for an array, is named as such", async () => {
  expect(await reasonFor([{ data: [] }])).toBe("body is an array, expected object");
  expect(await reasonFor({ data: { 0: result } })).toBe("field data is an object, expected array");
  expect(await reasonFor({ data: [null, [result]] })).toBe(
    "field data[0] is null, expected object; field data[1] is an array, expected object",
  );
});
