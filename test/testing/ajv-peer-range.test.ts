// The simulators with the oldest ajv the optional peer range (^8) admits. ajv is CommonJS, and in 8.0.0
// Node's import sees only its default export, the class: no named Ajv2020. The mock gives that shape.
import { describe, expect, it, vi } from "vitest";
import { document } from "../../generated/userpilot.document.js";
import { createRequestValidator } from "../../src/testing/request-validator.js";
import { createUserpilotSimulator } from "../../src/testing/userpilot.js";

vi.mock("ajv/dist/2020.js", async (importOriginal) => {
  const actual = await importOriginal<{ default: unknown }>();
  return { default: actual.default };
});

describe("the simulators with ajv 8.0's exports (only the default one)", () => {
  it("check request bodies against the spec", () => {
    const schema = createRequestValidator(document);
    const body = "#/components/schemas/BulkIdentifyUsersRequest";
    expect(schema(body, { users: [{ user_id: "u-1" }] })).toEqual([]);
    expect(schema(body, { users: [{ user_id: "" }] })).toEqual([
      expect.stringContaining("/users/0/user_id"),
    ]);
  });

  it("serve a simulator", async () => {
    const sim = createUserpilotSimulator();
    const answer = await sim.handle(
      new Request("https://analytex.userpilot.io/v1/users/bulk_identify", {
        method: "POST",
        headers: { authorization: "Token sim-key", "content-type": "application/json" },
        body: JSON.stringify({ users: [{ user_id: "u-1" }] }),
      }),
    );
    expect(answer.status).toBe(202);
  });
});
