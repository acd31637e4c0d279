import {
  SIMULATOR_SECRETS,
  lazySamples,
  lazySimulator,
  type Settings,
  type VendorModule,
} from "../vendor-module.js";
import type { UserpilotSimulator, UserpilotSimulatorOptions } from "../testing/userpilot.js";
import { createUserpilotAdapter } from "./adapter.js";
import {
  createUserpilotClient,
  USERPILOT_ENVIRONMENTS,
  type UserpilotClient,
  type UserpilotEnvironment,
} from "./client.js";
import type { UserpilotUser } from "./validate.js";

const credentials = (settings: Settings) => ({ apiKey: settings.require("api-key") });

/** Userpilot as the CLI, the demo, `simulate` and the soak use it. */
export const userpilotModule: VendorModule<
  "userpilot",
  UserpilotClient,
  UserpilotUser,
  UserpilotSimulator,
  UserpilotSimulatorOptions
> = {
  name: "userpilot",
  settings: [
    {
      flag: "api-key",
      env: "USERPILOT_API_KEY",
      secret: true,
      simulator: SIMULATOR_SECRETS.apiKey,
    },
    { flag: "environment", env: "USERPILOT_ENVIRONMENT", values: USERPILOT_ENVIRONMENTS },
  ],
  polls: true,
  matchesLostJobs: true,
  writes: ["bulkIdentifyUsers"],
  createClient: (settings, common) => {
    // `get` refuses a value the setting does not list.
    const environment = settings.get("environment") as UserpilotEnvironment | undefined;
    return createUserpilotClient({
      ...common,
      ...credentials(settings),
      ...(environment !== undefined && { environment }),
    });
  },
  createAdapter: createUserpilotAdapter,
  simulator: lazySimulator(
    () => import("../testing/userpilot.js").then((m) => m.createUserpilotSimulator),
    credentials,
  ),
  samples: lazySamples(
    () => import("../testing/fixtures/userpilot.js"),
    ({ userpilotUser }, f) => {
      const record = (user_id: string): UserpilotUser => ({ ...userpilotUser(f), user_id });
      return {
        record,
        broken: (user_id) => ({
          ...record(user_id),
          metadata: { plan: { nested: "not metadata" } },
        }),
      };
    },
  ),
};
