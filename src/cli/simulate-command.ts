import {
  quotedFlagValue,
  SIMULATOR_SECRETS,
  simulatorSettings,
  type VendorModule,
} from "../vendor-module.js";
import { errorCode } from "../core/errors/error-code.js";
import { MAX_TIMER_MS } from "../core/options.js";
import type { FaultOptions } from "../testing/faults.js";
import { serveSimulator } from "../testing/serve.js";
import type { VendorSimulator } from "../testing/simulator.js";
import { quotedName } from "./run-together.js";
import { ConfigError, VENDOR_NAMES, vendorNamed } from "./vendors.js";
import { decimalShare, decimalWhole, wholeFlag } from "./flag-values.js";

/** Credentials every simulator accepts, so `import --base-url` works against it out of the box. */
export const SIMULATOR_CREDENTIALS = SIMULATOR_SECRETS;

/** `vendor`'s simulator, accepting the vendor's simulator settings, with `faults`. */
export async function createSimulator(
  vendor: VendorModule,
  faults: FaultOptions,
): Promise<VendorSimulator> {
  const create = await vendor.simulator();
  return create({ settings: simulatorSettings(vendor), faults });
}

export function faultsFrom(flags: Record<string, string | boolean | undefined>): FaultOptions {
  const rate = (name: string) => {
    const value = flags[name];
    if (value === undefined) return undefined;
    const n = decimalShare(value);
    if (!(n >= 0 && n <= 1))
      throw new ConfigError(`--${name} takes a share from 0 to 1, not ${quotedFlagValue(value)}`);
    return n;
  };
  const entries = {
    rate429: rate("fault-429"),
    rate5xx: rate("fault-5xx"),
    rateDrop: rate("fault-drop"),
    rateSlow: rate("fault-slow"),
    rateLostAnswer: rate("fault-lost-answer"),
    rejectRate: rate("reject"),
    slowMs: slowMsFlag(flags),
    retryAfterSeconds: wholeFlag(flags, "retry-after", 0, "seconds"),
  };
  // One roll picks a fault: shares past 1 in all would not be what the flags say.
  const { rate429 = 0, rate5xx = 0, rateDrop = 0, rateSlow = 0, rateLostAnswer = 0 } = entries;
  if (rate429 + rate5xx + rateDrop + rateSlow + rateLostAnswer > 1 + 1e-9)
    throw new ConfigError(
      "--fault-429, --fault-5xx, --fault-drop, --fault-slow and --fault-lost-answer are shares of the same requests: they add up to at most 1",
    );
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

/**
 * `--slow-ms`, a whole number of ms. Past what a timer holds the simulator refuses it, a RangeError that
 * would end `simulate` with exit 3 naming `faults.slowMs`: the command line's mistake is exit 2, as for
 * the import's durations.
 */
function slowMsFlag(flags: Record<string, string | boolean | undefined>): number | undefined {
  const ms = wholeFlag(flags, "slow-ms", 0, "ms");
  if (ms !== undefined && ms > MAX_TIMER_MS)
    throw new ConfigError(
      `--slow-ms takes a whole number of ms up to ${MAX_TIMER_MS} (about 24.8 days), not ${quotedFlagValue(flags["slow-ms"])}`,
    );
  return ms;
}

/** `bulk-user-import simulate <vendor> --port N`: serves one simulator on loopback until interrupted. */
export async function simulateCommand(
  vendor: string,
  flags: Record<string, string | boolean | undefined>,
  stdout: NodeJS.WriteStream,
  signal: AbortSignal,
): Promise<number> {
  const module = vendorNamed(vendor);
  if (module === undefined)
    throw new ConfigError(
      `unknown vendor ${quotedName(vendor)}: use one of ${VENDOR_NAMES.join(", ")}`,
    );
  const port = flags["port"] === undefined ? 0 : decimalWhole(flags["port"]);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`--port takes 0 to 65535`);
  const simulator = await createSimulator(module, faultsFrom(flags));
  const running = await serveSimulator(simulator, port).catch((error: unknown) => {
    // A port taken (another simulator still running) is the command line's to change: say how.
    if (errorCode(error) !== "EADDRINUSE") throw error;
    throw new ConfigError(
      `--port ${port} is in use on 127.0.0.1: leave --port out for a free port`,
    );
  });
  // A simulated job ends in moments where the vendor's take minutes: at the default first wait between polls
  // (2 s, 5 s), two users took 10 s, which reads as a hang.
  const poll = module.polls ? " --poll-interval 200ms" : "";
  stdout.write(
    `${vendor} simulator listening on ${running.url}\n` +
      `  import into it: bulk-user-import import ${vendor} <file> --base-url ${running.url} ${credentialFlags(module)}${poll}\n`,
  );
  // A Ctrl-C while it started has aborted the signal already: its abort event never comes again.
  if (!signal.aborted)
    await new Promise<void>((resolve) =>
      signal.addEventListener("abort", () => resolve(), { once: true }),
    );
  await running.close();
  stdout.write(`${JSON.stringify(simulator.stats())}\n`);
  return 0;
}

/** The flags that point a client at a served simulator of `vendor`, e.g. `--api-key sim-key`. */
export function credentialFlags(vendor: VendorModule): string {
  return vendor.settings
    .filter((setting) => setting.simulator !== undefined)
    .map((setting) => `--${setting.flag} ${setting.simulator}`)
    .join(" ");
}
