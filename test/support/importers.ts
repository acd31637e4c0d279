// Each vendor's `importUsers`, by vendor name, for tests that run the same scenario on all of them: the one
// `src/<vendor>/import.ts` exports (CONTRIBUTING, step 3), for each vendor of src/vendors.ts.
import type { ImportReport } from "../../src/core/engine/report.js";
import { VENDOR_NAMES, type VendorName } from "../../src/vendors.js";
import { vendorExport } from "./vendor-files.js";

type LooseImporter = (c: unknown, r: unknown[], o: object) => Promise<ImportReport>;

export const IMPORTERS: Readonly<Record<VendorName, LooseImporter>> = Object.fromEntries(
  await Promise.all(
    VENDOR_NAMES.map(async (vendor) => {
      const importUsers = await vendorExport(vendor, "src/%s/import.js", "importUsers");
      return [vendor, importUsers as LooseImporter] as const;
    }),
  ),
) as Record<VendorName, LooseImporter>;
