// What the tests know of Userpilot beyond its module, spec and adapter (see test/support/vendor-profile.ts).
import fc from "fast-check";
import { createUserpilotSimulator } from "../../src/testing/userpilot.js";
import { steppingClock } from "../cli/helpers.js";
import { name, scalar, text, TEXTS_BY_NAME } from "../support/awkward-values.js";
import type { CommonClientOptions } from "../../src/core/client/options.js";
import type { UserpilotAdapterOptions } from "../../src/userpilot/adapter.js";
import type { UserpilotClientOptions } from "../../src/userpilot/client.js";
import { diff, type Rec } from "../support/stored-values.js";
import type { Keys, VendorTestProfile } from "../support/vendor-profile.js";
import { userpilotHarness } from "./contract-harness.js";
import { userpilotGuard } from "./spec-guard.js";

/** Userpilot's test profile. */
export const userpilotProfile: VendorTestProfile = {
  title: "Userpilot",
  options: {
    client: { apiKey: true, environment: true } satisfies Keys<
      Omit<UserpilotClientOptions, keyof CommonClientOptions>
    >,
    adapter: {
      pollIntervalMs: true,
      maxPollIntervalMs: true,
      maxPollsPerJob: true,
      jobTimeoutMs: true,
      conflictWaitMs: true,
      maxBodyBytes: true,
      clockSkewMs: true,
      soleImporter: true,
    } satisfies Keys<UserpilotAdapterOptions>,
  },
  truth: {
    operations: ["bulkIdentifyUsers", "listBackgroundJobs", "getBackgroundJob"],
    certain: (code) => ["job_failed", "payload_too_large", "400"].includes(code),
    maxConcurrency: 1,
    stored: (sim) => {
      const s = sim as unknown as { users: () => Rec[] };
      return {
        find: (r) => s.users().find((u) => u.user_id === r.user_id),
        differences: (r, u, over) =>
          diff(
            [
              ["metadata", r.metadata, u.metadata],
              ["company_id", r.company_id, u.company_id],
            ],
            over,
          ),
      };
    },
    refuses: (key, refused) => {
      const [, ids] = JSON.parse(key) as [string, string[]];
      return ids.some((id) => refused.has(id));
    },
    variantOptions: (variant, hard) => ({
      stepMs: 0,
      pollsPerStep: 1 + (variant % 3),
      ...(hard && { maxBytes: [50_000, 700, 1400][Math.floor(variant / 3) % 3] }),
    }),
  },
  fidelity: {
    records: fc.record(
      {
        user_id: fc.oneof(text, fc.constant("u-1")),
        company_id: text,
        metadata: fc.dictionary(name, scalar, { maxKeys: 3 }),
      },
      { requiredKeys: ["user_id"] },
    ),
    stored: (sim, record) => {
      const users = (sim as ReturnType<typeof createUserpilotSimulator>).users();
      const user = users.find((u) => u.user_id === record.user_id);
      if (user === undefined) return { fields: {} };
      return {
        fields: { user_id: user.user_id, company_id: user.company_id, metadata: user.metadata },
      };
    },
    everyText: { user_id: "u-1", metadata: TEXTS_BY_NAME },
    simulator: () => createUserpilotSimulator(steppingClock()),
  },
  contract: userpilotHarness,
  guard: userpilotGuard,
};
