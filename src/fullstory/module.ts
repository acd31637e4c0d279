import {
  SIMULATOR_SECRETS,
  lazySamples,
  lazySimulator,
  type Settings,
  type VendorModule,
} from "../vendor-module.js";
import type { FullStorySimulator, FullStorySimulatorOptions } from "../testing/fullstory.js";
import { rules } from "../../generated/fullstory.rules.js";
import { createFullStoryAdapter } from "./adapter.js";
import { createFullStoryClient, type FullStoryClient } from "./client.js";
import type { FullStoryUser } from "./validate.js";

const credentials = (settings: Settings) => ({ apiKey: settings.require("api-key") });

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
    createFullStoryClient({ ...common, ...credentials(settings) }),
  createAdapter: createFullStoryAdapter,
  // A batch item is open (unknown keys are sent): a CSV column that names none of its fields is a mistake.
  csvFields: Object.keys(rules.BatchUserImportRequest.properties),
  simulator: lazySimulator(
    () => import("../testing/fullstory.js").then((m) => m.createFullStorySimulator),
    credentials,
  ),
  samples: lazySamples(
    () => import("../testing/fixtures/fullstory.js"),
    ({ fullStoryUser }, f) => {
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
  ),
};
