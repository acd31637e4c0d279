import { SIMULATOR_SECRETS, type VendorModule } from "../core/vendor-module.js";
import type { FullStorySimulator, FullStorySimulatorOptions } from "../testing/fullstory.js";
import { createFullStoryAdapter, fullStoryKeyOf } from "./adapter.js";
import { createFullStoryClient, type FullStoryClient } from "./client.js";
import { validateFullStoryUser, type FullStoryUser } from "./validate.js";

/** FullStory as the CLI, the demo, `simulate` and the soak use it. */
export const fullStoryModule: VendorModule<
  "fullstory",
  FullStoryClient,
  FullStoryUser,
  FullStorySimulator,
  FullStorySimulatorOptions
> = {
  name: "fullstory",
  settings: [
    {
      flag: "api-key",
      env: "FULLSTORY_API_KEY",
      secret: true,
      simulator: SIMULATOR_SECRETS.apiKey,
    },
  ],
  polls: true,
  writes: ["createBatchImport"],
  createClient: (settings, common) =>
    createFullStoryClient({ ...common, apiKey: settings.require("api-key") }),
  createAdapter: createFullStoryAdapter,
  validate: validateFullStoryUser,
  keyOf: fullStoryKeyOf,
  simulator: () =>
    import("../testing/fullstory.js").then(
      ({ createFullStorySimulator }) =>
        ({ settings, faults, options }) =>
          createFullStorySimulator({ ...options, apiKey: settings.require("api-key"), faults }),
    ),
  samples: async (seed) => {
    const { seededFaker } = await import("../testing/fixtures/faker.js");
    const { fullStoryUser } = await import("../testing/fixtures/fullstory.js");
    const f = seededFaker(seed);
    const record = (uid: string): FullStoryUser => {
      // A FullStory id must name a user FullStory has: new users have none.
      const { id: _id, ...user } = fullStoryUser(f);
      return { ...user, uid };
    };
    return {
      record,
      broken: (uid) => ({
        ...record(uid),
        properties: { "1st-choice": "names start with a letter" },
      }),
    };
  },
};
