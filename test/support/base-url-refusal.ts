import { createFullStoryClient } from "../../src/fullstory/client.js";

/** A FullStory client made with `baseUrl`: the destination it would keep, or what making it threw. */
export function clientFromBaseUrl(baseUrl: string): { destination?: string; thrown?: unknown } {
  try {
    return {
      destination: createFullStoryClient({ apiKey: "na1.abcdefghijkl", baseUrl }).destination,
    };
  } catch (thrown) {
    return { thrown };
  }
}
