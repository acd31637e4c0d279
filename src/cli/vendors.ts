import { settingsOf, type Settings, type VendorModule } from "../vendor-module.js";

export { ConfigError, type JobTuning } from "../vendor-module.js";
export { VENDOR_NAMES, VENDORS, vendorNamed, type VendorName } from "../vendors.js";

/** A vendor's settings from its flags, each falling back to its environment variable. */
export function settingsFromFlags(
  vendor: Pick<VendorModule, "name" | "settings">,
  flags: Readonly<Record<string, string | boolean | undefined>>,
  env: NodeJS.ProcessEnv,
): Settings {
  return settingsOf(vendor, ({ flag, env: name }) => {
    const value = flags[flag];
    return typeof value === "string" && value !== "" ? value : env[name] || undefined;
  });
}
