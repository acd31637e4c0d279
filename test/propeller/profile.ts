// What the tests know of Propeller beyond its module, spec and adapter (see test/support/vendor-profile.ts).
import fc from "fast-check";
import { createPropellerSimulator } from "../../src/testing/propeller.js";
import { number, text, TEXT } from "../support/awkward-values.js";
import type { CommonClientOptions } from "../../src/core/client/options.js";
import type { PropellerAdapterOptions } from "../../src/propeller/adapter.js";
import type { PropellerClientOptions } from "../../src/propeller/client.js";
import { propellerRecordKey } from "../../src/testing/propeller.js";
import { diff, type Rec } from "../support/stored-values.js";
import type { Keys, VendorTestProfile } from "../support/vendor-profile.js";
import { propellerHarness } from "./contract-harness.js";
import { propellerGuard } from "./spec-guard.js";

/** Propeller's test profile. */
export const propellerProfile: VendorTestProfile = {
  title: "Propeller",
  options: {
    client: {
      clientId: true,
      clientSecret: true,
      tokenRefreshBeforeMs: true,
    } satisfies Keys<Omit<PropellerClientOptions, keyof CommonClientOptions>>,
    adapter: { maxRecords: true } satisfies Keys<PropellerAdapterOptions>,
  },
  truth: {
    operations: ["getAccessToken", "bulkUsersBySourceId"],
    certain: (code) => code === "rejected_by_vendor" || /^\d{5}$/.test(code) || code === "400",
    maxConcurrency: 3,
    stored: (sim) => {
      const s = sim as unknown as { users: () => Rec[] };
      return {
        find: (r) =>
          s.users().find((u) => propellerRecordKey(u as never) === propellerRecordKey(r as never)),
        differences: (r, u, over) =>
          diff(
            Object.keys(r).map(
              (k) => [k, r[k], (u.fields as Rec)[k]] as [string, unknown, unknown],
            ),
            over,
          ),
      };
    },
    refuses: (key, refused) => [...refused].some((k) => key.split(":")[1] === k),
    variantOptions: (variant, hard) =>
      hard ? { maxUsers: 4 + (variant % 4), tokenFaults: variant % 2 === 0 } : {},
  },
  fidelity: {
    records: fc.record(
      {
        source: fc.constantFrom("CRM", " CRM"),
        sourceId: fc.oneof(text, number),
        firstName: text,
        email: text,
        company: text,
        attributes: fc.array(
          fc.record({
            name: fc.constantFrom("NOTE", "SEATS"),
            value: fc.oneof(text, number, fc.boolean(), fc.array(text, { maxLength: 2 })),
          }),
          { maxLength: 2 },
        ),
      },
      { requiredKeys: ["source", "sourceId"] },
    ),
    stored: (sim) => {
      const [user] = (sim as ReturnType<typeof createPropellerSimulator>).users();
      return user === undefined ? { fields: {} } : { fields: user.fields, id: user.id };
    },
    everyText: {
      source: "CRM",
      sourceId: "u-1",
      attributes: TEXT.map((value, i) => ({ name: `NOTE${i}`, value })),
    },
    simulator: () => createPropellerSimulator(),
  },
  contract: propellerHarness,
  guard: propellerGuard,
};
