// updateUser with an id holding a lone UTF-16 surrogate (as a record's `id` with one is refused by the
// validator): it answers `invalid` without sending, instead of throwing a URIError out of the call.
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { updateUser } from "../../src/fullstory/index.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory } from "./harness.js";

const server = useMswServer();

describe("updateUser with an id holding a lone surrogate", () => {
  it("returns invalid (fullstory.malformed_text) and sends nothing", async () => {
    const sim = mountFullStory(server);
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const result = await updateUser(client, "42\uD800", { display_name: "D" });

    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.status).toBe("invalid");
      if (result.error.status === "invalid")
        expect(result.error.problems.map((p) => p.rule)).toEqual(["fullstory.malformed_text"]);
    }
    expect(Object.values(sim.stats().requests).reduce((a, b) => a + b, 0)).toBe(0);
  });
});

describe("updateUser with an id that is not a string", () => {
  // A JavaScript caller's numeric id (FullStory's ids are digits) threw "text.isWellFormed is not a
  // function" out of the call; null or undefined, "Cannot read properties of null".
  it.each([
    [42, "a number", "42"],
    [null, "null", "null"],
    [undefined, "undefined", "undefined"],
    // Their text cannot be made: the message threw "Cannot convert a Symbol value to a string", "… object
    // to primitive value" (a record without a prototype, as the CSV reader builds them, given as the id).
    [Symbol("42"), "a symbol", "a symbol"],
    [Object.create(null) as object, "an object", "an object"],
  ])("returns invalid (fullstory.field_type) for %s and sends nothing", async (id, kind, shown) => {
    const sim = mountFullStory(server);
    const client = createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 });
    const result = await updateUser(client, id as unknown as string, { display_name: "D" });

    expect(result).toEqual({
      ok: false,
      error: {
        status: "invalid",
        message: `user ${shown}: id: must be a string (a FullStory user id), got ${kind}`,
        problems: [
          {
            rule: "fullstory.field_type",
            message: `id: must be a string (a FullStory user id), got ${kind}`,
          },
        ],
      },
    });
    expect(Object.values(sim.stats().requests).reduce((a, b) => a + b, 0)).toBe(0);
  });
});
