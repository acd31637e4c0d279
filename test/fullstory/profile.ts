// What the tests know of FullStory beyond its module, spec and adapter (see test/support/vendor-profile.ts).
import fc from "fast-check";
import { createFullStorySimulator } from "../../src/testing/fullstory.js";
import { name, scalar, text, TEXTS_BY_NAME } from "../support/awkward-values.js";
import type { FullStoryAdapterOptions } from "../../src/fullstory/adapter.js";
import type { FullStoryClientOptions } from "../../src/fullstory/client.js";
import type { CommonClientOptions } from "../../src/core/client/options.js";
import { diff, type Rec } from "../support/stored-values.js";
import type { Keys, VendorTestProfile } from "../support/vendor-profile.js";
import { fullStoryHarness } from "./contract-harness.js";
import { fullStoryGuard } from "./spec-guard.js";

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
  fidelity: {
    records: fc.record(
      {
        uid: fc.oneof(text, fc.constant("u-1")),
        display_name: text,
        email: text,
        properties: fc.dictionary(
          name,
          fc.oneof(
            scalar,
            fc.dictionary(name, scalar, { maxKeys: 2 }),
            fc.array(scalar, { maxLength: 3 }),
          ),
          { maxKeys: 3 },
        ),
      },
      { requiredKeys: ["uid"] },
    ),
    stored: (sim, record) => {
      const users = (sim as ReturnType<typeof createFullStorySimulator>).users();
      const user = users.find((u) => u.uid === record.uid);
      if (user === undefined) return { fields: {} };
      const { id, uid, display_name, email, properties } = user;
      return { fields: { uid, display_name, email, properties }, id };
    },
    everyText: { uid: "u-1", properties: TEXTS_BY_NAME },
    simulator: () => createFullStorySimulator({ processingPolls: 0 }),
  },
  contract: fullStoryHarness,
  guard: fullStoryGuard,
};
