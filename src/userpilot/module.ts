import { ConfigError, SIMULATOR_SECRETS, type VendorModule } from "../core/vendor-module.js";
import type { UserpilotSimulator, UserpilotSimulatorOptions } from "../testing/userpilot.js";
import { createUserpilotAdapter, userpilotKeyOf } from "./adapter.js";
import { createUserpilotClient, type UserpilotClient } from "./client.js";
import { validateUserpilotUser, type UserpilotUser } from "./validate.js";

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
    { flag: "environment", env: "USERPILOT_ENVIRONMENT" },
  ],
  polls: true,
  writes: ["bulkIdentifyUsers"],
  createClient: (settings, common) => {
    const environment = settings.get("environment");
    if (environment !== undefined && environment !== "analytex" && environment !== "analytex-eu")
      throw new ConfigError(`--environment must be analytex or analytex-eu, not ${environment}`);
    return createUserpilotClient({
      ...common,
      apiKey: settings.require("api-key"),
      ...(environment !== undefined && { environment }),
    });
  },
  createAdapter: createUserpilotAdapter,
  validate: validateUserpilotUser,
  keyOf: userpilotKeyOf,
  simulator: () =>
    import("../testing/userpilot.js").then(
      ({ createUserpilotSimulator }) =>
        ({ settings, faults, options }) =>
          createUserpilotSimulator({ ...options, apiKey: settings.require("api-key"), faults }),
    ),
  samples: async (seed) => {
    const { seededFaker } = await import("../testing/fixtures/faker.js");
    const { userpilotUser } = await import("../testing/fixtures/userpilot.js");
    const f = seededFaker(seed);
    const record = (user_id: string): UserpilotUser => ({ ...userpilotUser(f), user_id });
    return {
      record,
      broken: (user_id) => ({ ...record(user_id), metadata: { plan: { nested: "not metadata" } } }),
    };
  },
};
