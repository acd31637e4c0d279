// What the tests know of FullStory beyond its module, spec and adapter (see test/support/vendor-profile.ts).
import type { FullStoryAdapterOptions } from "../../src/fullstory/adapter.js";
import type { FullStoryClientOptions } from "../../src/fullstory/client.js";
import type { CommonClientOptions } from "../../src/core/client/options.js";
import { diff, type Rec } from "../support/stored-values.js";
import type { Keys, VendorTestProfile } from "../support/vendor-profile.js";

/** FullStory's test profile. */
export const fullStoryProfile: VendorTestProfile = {
  title: "FullStory",
  options: {
    client: { apiKey: true, region: true } satisfies Keys<
      Omit<FullStoryClientOptions, keyof CommonClientOptions>
    >,
    adapter: {
      pollIntervalMs: true,
      maxPollIntervalMs: true,
      jobTimeoutMs: true,
      maxPollsPerJob: true,
    } satisfies Keys<FullStoryAdapterOptions>,
  },
  truth: {
    operations: [
      "createBatchImport",
      "getBatchImportStatus",
      "getBatchImports",
      "getBatchImportErrors",
    ],
    certain: (code) => ["simulated_rejection", "invalid_argument", "user_not_found"].includes(code),
    maxConcurrency: 3,
    stored: (sim) => {
      const s = sim as unknown as { users: () => Rec[] };
      return {
        find: (r) => s.users().find((u) => u.uid === r.uid),
        differences: (r, u, over) =>
          diff(
            [
              ["email", r.email, u.email],
              ["display_name", r.display_name, u.display_name],
              ["properties", r.properties, u.properties],
            ],
            over,
          ),
      };
    },
    refuses: (key, refused) => refused.has(key.replace(/^uid:/, "")),
    variantOptions: (variant, hard) => ({
      processingPolls: variant % 3,
      pageSize: [1000, 1, 3][Math.floor(variant / 3) % 3],
      ...(hard && { maxInProgressJobs: 1 + (variant % 2) }),
    }),
  },
};
