// Each vendor's `importUsers`, by vendor name, for tests that run the same scenario on all four.
import type { ImportReport } from "../../src/core/engine/report.js";
import { importUsers as importFullStory } from "../../src/fullstory/import.js";
import { importUsers as importPropeller } from "../../src/propeller/import.js";
import { importUsers as importSlashId } from "../../src/slashid/import.js";
import { importUsers as importUserpilot } from "../../src/userpilot/import.js";
import type { VendorName } from "../../src/vendors.js";

// `satisfies` first: a vendor missing here is a type error, not an undefined importer at run time.
export const IMPORTERS = {
  fullstory: importFullStory,
  slashid: importSlashId,
  propeller: importPropeller,
  userpilot: importUserpilot,
} satisfies Record<VendorName, unknown> as unknown as Record<
  VendorName,
  (c: unknown, r: unknown[], o: object) => Promise<ImportReport>
>;
