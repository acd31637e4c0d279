import type { VendorModule } from "./vendor-module.js";
import { fullStoryModule } from "./fullstory/module.js";
import { propellerModule } from "./propeller/module.js";
import { slashIdModule } from "./slashid/module.js";
import { userpilotModule } from "./userpilot/module.js";

// A new vendor is one line here (see CONTRIBUTING.md): the CLI, demo, simulate and soak read this list.
const MODULES = [fullStoryModule, slashIdModule, propellerModule, userpilotModule] as const;

export type VendorName = (typeof MODULES)[number]["name"];

/** Every vendor, in the order the CLI lists them and the demo imports into them. */
export const VENDORS: readonly VendorModule<VendorName>[] = MODULES;

export const VENDOR_NAMES: readonly VendorName[] = VENDORS.map((vendor) => vendor.name);

/** The vendor called `name`, or undefined. */
export function vendorNamed(name: string): VendorModule<VendorName> | undefined {
  return VENDORS.find((vendor) => vendor.name === name);
}
