import {
  SIMULATOR_SECRETS,
  lazySamples,
  lazySimulator,
  type Settings,
  type VendorModule,
} from "../vendor-module.js";
import type { SlashIdSimulator, SlashIdSimulatorOptions } from "../testing/slashid.js";
import { createSlashIdAdapter } from "./adapter.js";
import {
  createSlashIdClient,
  SLASHID_ENVIRONMENTS,
  type SlashIdClient,
  type SlashIdEnvironment,
} from "./client.js";
import { personFromCsvRow, type SlashIdPerson } from "./records.js";

const credentials = (settings: Settings) => ({
  apiKey: settings.require("api-key"),
  orgId: settings.require("org-id"),
});

/** SlashID as the CLI, the demo, `simulate` and the soak use it. */
export const slashIdModule: VendorModule<
  "slashid",
  SlashIdClient,
  SlashIdPerson,
  SlashIdSimulator,
  SlashIdSimulatorOptions
> = {
  name: "slashid",
  settings: [
    { flag: "api-key", env: "SLASHID_API_KEY", secret: true, simulator: SIMULATOR_SECRETS.apiKey },
    { flag: "org-id", env: "SLASHID_ORG_ID", simulator: SIMULATOR_SECRETS.orgId },
    { flag: "environment", env: "SLASHID_ENVIRONMENT", values: SLASHID_ENVIRONMENTS },
  ],
  polls: false,
  writes: ["bulkImportPersons"],
  createClient: (settings, common) => {
    // `get` refuses a value the setting does not list.
    const environment = settings.get("environment") as SlashIdEnvironment | undefined;
    return createSlashIdClient({
      ...common,
      ...credentials(settings),
      ...(environment !== undefined && { environment }),
    });
  },
  // SlashID answers each upload at once: there is no job to tune.
  createAdapter: (client) => createSlashIdAdapter(client),
  fromCsvRow: personFromCsvRow,
  simulator: lazySimulator(
    () => import("../testing/slashid.js").then((m) => m.createSlashIdSimulator),
    credentials,
  ),
  samples: lazySamples(
    () => import("../testing/fixtures/slashid.js"),
    ({ slashIdPerson }, f) => {
      // One handle per person, its key: what SlashID makes of persons sharing a handle is UNCONFIRMED.
      const person = (...emails: string[]): SlashIdPerson => ({
        ...personFromCsvRow(slashIdPerson(f)),
        emails,
        phone_numbers: [],
        usernames: [],
      });
      return {
        record: (key) => person(`${key}@example.com`),
        broken: (key) => person(`${key}@example.com`, "not-an-email"),
      };
    },
  ),
};
