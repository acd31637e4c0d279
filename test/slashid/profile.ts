// What the tests know of SlashID beyond its module, spec and adapter (see test/support/vendor-profile.ts).
import fc from "fast-check";
import { createSlashIdSimulator } from "../../src/testing/slashid.js";
import { handle, name, scalar, text, TEXTS_BY_NAME } from "../support/awkward-values.js";
import type { CommonClientOptions } from "../../src/core/client/options.js";
import type { SlashIdAdapterOptions } from "../../src/slashid/adapter.js";
import type { SlashIdClientOptions } from "../../src/slashid/client.js";
import { diff, type Rec } from "../support/stored-values.js";
import type { Keys, VendorTestProfile } from "../support/vendor-profile.js";
import { slashIdHarness } from "./contract-harness.js";
import { slashIdGuard } from "./spec-guard.js";

/**
 * A list value: as often one without blanks around it as any of `values`, since a value with them is refused
 * (`slashid.blanks_around`) and records must import often enough to prove what SlashID keeps.
 */
const listValue = (values: fc.Arbitrary<string>) =>
  fc.oneof(
    values,
    values.filter((value) => value.trim() === value),
  );

/** SlashID's test profile. */
export const slashIdProfile: VendorTestProfile = {
  title: "SlashID",
  options: {
    client: { apiKey: true, orgId: true, environment: true } satisfies Keys<
      Omit<SlashIdClientOptions, keyof CommonClientOptions>
    >,
    adapter: { maxRecords: true } satisfies Keys<SlashIdAdapterOptions>,
  },
  truth: {
    operations: ["bulkImportPersons"],
    certain: (code) => ["rejected_by_vendor", "400", "402"].includes(code),
    maxConcurrency: 1,
    stored: (sim) => {
      const s = sim as unknown as { persons: () => Rec[] };
      return {
        find: (r) => {
          const email = String((r.emails as string[])[0]).toLowerCase();
          return s
            .persons()
            .find((p) => (p.emails as string[]).some((e) => e.toLowerCase() === email));
        },
        differences: (r, p, over) =>
          diff(
            [
              ["emails", r.emails, p.emails],
              ["region", r.region, p.region],
              [
                "groups",
                (r.groups as unknown[] | undefined)?.length ? r.groups : undefined,
                p.groups,
              ],
              ["attributes", r.attributes, p.attributes],
            ],
            over,
            ["emails", "groups"],
          ),
      };
    },
    refuses: (key, refused) =>
      refused.has(key.replace(/^email:/, "").replace(/@example\.com$/, "")),
    variantOptions: (variant, hard) => ({
      existingPersons: variant % 2 === 0 ? "refuse" : "upsert",
      ...(hard && variant % 3 === 0 && { pricingTierLimit: 12 }),
    }),
  },
  fidelity: {
    records: fc.record(
      {
        emails: fc.array(listValue(handle), { minLength: 1, maxLength: 2 }),
        usernames: fc.array(listValue(text), { minLength: 1, maxLength: 2 }),
        groups: fc.array(listValue(text), { minLength: 1, maxLength: 2 }),
        region: fc.constant("europe-belgium"),
        attributes: fc.record({
          end_user_read_write: fc.dictionary(
            name,
            fc.oneof(scalar, fc.dictionary(name, scalar, { maxKeys: 2 })),
            { maxKeys: 3 },
          ),
        }),
      },
      { requiredKeys: ["emails"] },
    ),
    stored: (sim) => {
      const [person] = (sim as ReturnType<typeof createSlashIdSimulator>).persons();
      if (person === undefined) return { fields: {} };
      // SlashID answers with counts, no id: the report gives none.
      const { emails, usernames, groups, region, attributes } = person;
      return { fields: { emails, usernames, groups, region, attributes } };
    },
    everyText: {
      emails: ["a@example.com"],
      attributes: { end_user_read_write: TEXTS_BY_NAME },
    },
    simulator: () => createSlashIdSimulator(),
  },
  contract: slashIdHarness,
  guard: slashIdGuard,
};
