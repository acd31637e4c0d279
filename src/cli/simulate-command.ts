import type { FaultOptions } from "../testing/faults.js";
import { serveSimulator } from "../testing/serve.js";
import type { VendorSimulator } from "../testing/simulator.js";
import { ConfigError, VENDOR_NAMES, type VendorName } from "./vendors.js";

/** Credentials every simulator accepts, so `import --base-url` works against it out of the box. */
export const SIMULATOR_CREDENTIALS = {
  apiKey: "sim-key",
  orgId: "sim-org",
  clientId: "sim-client",
  clientSecret: "sim-secret",
} as const;

export async function createSimulator(
  vendor: VendorName,
  faults: FaultOptions,
): Promise<VendorSimulator> {
  const { apiKey, orgId, clientId, clientSecret } = SIMULATOR_CREDENTIALS;
  // Loaded on demand: the simulators need ajv, which plain imports do not.
  const testing = await import("../testing/index.js");
  switch (vendor) {
    case "fullstory":
      return testing.createFullStorySimulator({ apiKey, faults });
    case "slashid":
      return testing.createSlashIdSimulator({ apiKey, orgId, faults });
    case "propeller":
      return testing.createPropellerSimulator({ clientId, clientSecret, faults });
    case "userpilot":
      return testing.createUserpilotSimulator({ apiKey, faults });
  }
}

export function faultsFrom(flags: Record<string, string | boolean | undefined>): FaultOptions {
  const rate = (name: string) => {
    const value = flags[name];
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!(n >= 0 && n <= 1))
      throw new ConfigError(`--${name} takes a share from 0 to 1, not ${String(value)}`);
    return n;
  };
  const entries = {
    rate429: rate("fault-429"),
    rate5xx: rate("fault-5xx"),
    rateDrop: rate("fault-drop"),
    rateSlow: rate("fault-slow"),
    rejectRate: rate("reject"),
    ...(flags["slow-ms"] !== undefined && { slowMs: Number(flags["slow-ms"]) }),
    ...(flags["retry-after"] !== undefined && { retryAfterSeconds: Number(flags["retry-after"]) }),
  };
  return Object.fromEntries(
    Object.entries(entries).filter(([, v]) => v !== undefined),
  ) as FaultOptions;
}

/** `bulk-user-import simulate <vendor> --port N`: serves one simulator on loopback until interrupted. */
export async function simulateCommand(
  vendor: string,
  flags: Record<string, string | boolean | undefined>,
  stdout: NodeJS.WriteStream,
  signal: AbortSignal,
): Promise<number> {
  if (!(VENDOR_NAMES as readonly string[]).includes(vendor)) {
    throw new ConfigError(`unknown vendor ${vendor}: use one of ${VENDOR_NAMES.join(", ")}`);
  }
  const port = flags["port"] === undefined ? 0 : Number(flags["port"]);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`--port takes 0 to 65535`);
  const simulator = await createSimulator(vendor as VendorName, faultsFrom(flags));
  const running = await serveSimulator(simulator, port);
  stdout.write(
    `${vendor} simulator listening on ${running.url}\n` +
      `  import into it: bulk-user-import import ${vendor} <file> --base-url ${running.url} ${credentialFlags(vendor as VendorName)}\n`,
  );
  await new Promise<void>((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true }),
  );
  await running.close();
  stdout.write(`${JSON.stringify(simulator.stats())}\n`);
  return 0;
}

export function credentialFlags(vendor: VendorName): string {
  const c = SIMULATOR_CREDENTIALS;
  if (vendor === "slashid") return `--api-key ${c.apiKey} --org-id ${c.orgId}`;
  if (vendor === "propeller") return `--client-id ${c.clientId} --client-secret ${c.clientSecret}`;
  return `--api-key ${c.apiKey}`;
}
