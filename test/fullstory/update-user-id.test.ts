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
