import {
  SIMULATOR_SECRETS,
  lazySamples,
  lazySimulator,
  type Settings,
  type VendorModule,
} from "../vendor-module.js";
import type { PropellerSimulator, PropellerSimulatorOptions } from "../testing/propeller.js";
import { createPropellerAdapter } from "./adapter.js";
import { createPropellerClient, type PropellerClient } from "./client.js";
import type { PropellerUser } from "./validate.js";

const credentials = (settings: Settings) => ({
  clientId: settings.require("client-id"),
  clientSecret: settings.require("client-secret"),
});

/** Propeller as the CLI, the demo, `simulate` and the soak use it. */
export const propellerModule: VendorModule<
  "propeller",
  PropellerClient,
  PropellerUser,
  PropellerSimulator,
  PropellerSimulatorOptions
> = {
  name: "propeller",
  settings: [
    { flag: "client-id", env: "PROPELLER_CLIENT_ID", simulator: SIMULATOR_SECRETS.clientId },
    {
      flag: "client-secret",
      env: "PROPELLER_CLIENT_SECRET",
      secret: true,
      simulator: SIMULATOR_SECRETS.clientSecret,
    },
  ],
  polls: false,
  writes: ["bulkUsersBySourceId"],
  createClient: (settings, common) =>
    createPropellerClient({ ...common, ...credentials(settings) }),
  // Propeller answers each request at once: there is no job to tune.
  createAdapter: (client) => createPropellerAdapter(client),
  simulator: lazySimulator(
    () => import("../testing/propeller.js").then((m) => m.createPropellerSimulator),
    credentials,
  ),
  samples: lazySamples(
    () => import("../testing/fixtures/propeller.js"),
    ({ propellerUser }, f) => {
      const record = (sourceId: string): PropellerUser => {
        // A parent must already exist at Propeller: new users have none.
        const { parent: _parent, ...user } = propellerUser(f);
        return { ...user, sourceId };
      };
      return { record, broken: (sourceId) => ({ ...record(sourceId), gender: "X" }) };
    },
  ),
};
