// Each vendor's adapter as an integrator makes it (no options), for the tests that hold what README and the
// API reference state of a vendor (its replay, its limits and defaults) to what the adapter says. Made
// through src/vendors.ts, so a vendor added there is held to them with no entry here.
import type { ImportAdapter } from "../../src/core/engine/adapter.js";
import { simulatorSettings } from "../../src/vendor-module.js";
import { VENDORS, type VendorName } from "../../src/vendors.js";
import { VENDOR_PROFILES } from "../support/vendor-profiles.js";

/** What these tests read of an adapter. */
export type StatedAdapter = Pick<ImportAdapter<never>, "replay" | "limits" | "defaults">;

/** Each vendor's adapter with its default options, and the name README's rows give the vendor. */
export const ADAPTERS = Object.fromEntries(
  VENDORS.map((vendor) => [
    vendor.name,
    {
      title: VENDOR_PROFILES[vendor.name].title,
      adapter: (): StatedAdapter =>
        vendor.createAdapter(
          vendor.createClient(simulatorSettings(vendor), { baseUrl: "http://127.0.0.1:9" }),
          {},
        ),
    },
  ]),
) as Record<VendorName, { title: string; adapter: () => StatedAdapter }>;
