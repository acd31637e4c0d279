import {
  ConfigError,
  isCredential,
  settingsOf,
  type Settings,
  type VendorModule,
} from "../vendor-module.js";
import { VENDORS } from "../vendors.js";

export { ConfigError, type JobTuning } from "../vendor-module.js";
export { VENDOR_NAMES, VENDORS, vendorNamed, type VendorName } from "../vendors.js";

/**
 * A vendor's settings from its flags, each falling back to its environment variable. Surrounding whitespace
 * is dropped (a CR left by a Windows `.env` file), and a value of only whitespace counts as missing, so the
 * error names the flag and the variable instead of the vendor refusing a blank key. A flag given blank is
 * refused rather than passed over: `--api-key "$STAGING_KEY"` with that variable unset would otherwise send
 * the environment's key, which may be another account's.
 */
export function settingsFromFlags(
  vendor: Pick<VendorModule, "name" | "settings">,
  flags: Readonly<Record<string, string | boolean | undefined>>,
  env: NodeJS.ProcessEnv,
): Settings {
  return settingsOf(vendor, (setting) => {
    const { flag, env: name } = setting;
    const value = flags[flag];
    if (typeof value === "string" && given(value) === undefined)
      throw new ConfigError(
        `${isCredential(setting) ? "missing credential: " : ""}--${flag} was given blank, and a blank flag does not fall back to ${name}; pass a value or leave the flag out`,
      );
    return given(value) ?? given(env[name]);
  });
}

/**
 * The secrets given to the CLI (the values of every vendor's secret settings, by flag or environment
 * variable), so that a message quoting another argument (a file name holding the rest of a command line run
 * together, a key with it) can be scrubbed of them: no word of an argument can be told for a secret itself.
 */
export function givenSecrets(
  flags: Readonly<Record<string, string | boolean | undefined>>,
  env: NodeJS.ProcessEnv,
): string[] {
  return VENDORS.flatMap((vendor) => vendor.settings)
    .filter((setting) => setting.secret === true)
    .flatMap((setting) => [given(flags[setting.flag]), given(env[setting.env])])
    .filter((value) => value !== undefined);
}

function given(value: string | boolean | undefined): string | undefined {
  const trimmed = typeof value === "string" ? value.trim() : "";
  return trimmed === "" ? undefined : trimmed;
}

/**
 * Refuses a setting flag `vendor` does not declare (`--environment` for FullStory): ignored, it would leave
 * the operator believing it took effect.
 */
export function refuseOtherVendorsFlags(
  vendor: Pick<VendorModule, "name" | "settings">,
  flags: Readonly<Record<string, string | boolean | undefined>>,
): void {
  const own = new Set(vendor.settings.map((setting) => setting.flag));
  for (const flag of new Set(VENDORS.flatMap((v) => v.settings.map((setting) => setting.flag)))) {
    if (own.has(flag) || flags[flag] === undefined) continue;
    const takers = VENDORS.filter((v) => v.settings.some((setting) => setting.flag === flag)).map(
      (v) => v.name,
    );
    throw new ConfigError(
      `--${flag} applies to ${listed(takers)}; ${vendor.name} takes no --${flag}`,
    );
  }
}

/** `a`, `a and b`, `a, b and c`. */
export function listed(names: readonly string[]): string {
  return names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
