// Each vendor's test profile (test/<vendor>/profile.ts), by vendor name: the one list of per-vendor test
// knowledge a new vendor is written into. `satisfies` keys it by src/vendors.ts, so a vendor without a
// profile fails to compile here, named: "Property 'acme' is missing".
import type { VendorName } from "../../src/vendors.js";
import { fullStoryProfile } from "../fullstory/profile.js";
import { propellerProfile } from "../propeller/profile.js";
import { slashIdProfile } from "../slashid/profile.js";
import { userpilotProfile } from "../userpilot/profile.js";
import type { VendorTestProfile } from "./vendor-profile.js";

export const VENDOR_PROFILES = {
  fullstory: fullStoryProfile,
  slashid: slashIdProfile,
  propeller: propellerProfile,
  userpilot: userpilotProfile,
} as const satisfies Record<VendorName, VendorTestProfile>;
