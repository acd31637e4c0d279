// Each vendor's adapter as an integrator makes it (no options), for the tests that hold what README and the
// API reference state of a vendor (its replay, its limits and defaults) to what the adapter says.
import type { ImportAdapter } from "../../src/core/engine/adapter.js";
import { createFullStoryAdapter } from "../../src/fullstory/adapter.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { createPropellerAdapter } from "../../src/propeller/adapter.js";
import { createPropellerClient } from "../../src/propeller/client.js";
import { createSlashIdAdapter } from "../../src/slashid/adapter.js";
import { createSlashIdClient } from "../../src/slashid/client.js";
import { createUserpilotAdapter } from "../../src/userpilot/adapter.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import type { VendorName } from "../../src/vendors.js";

const key = "k7Qv2LmZr9cWb4Np";
const baseUrl = "http://127.0.0.1:9";

/** What these tests read of an adapter. */
export type StatedAdapter = Pick<ImportAdapter<never>, "replay" | "limits" | "defaults">;

/** Each vendor's adapter with its default options, and the name README's rows give the vendor. */
export const ADAPTERS: Record<VendorName, { title: string; adapter: () => StatedAdapter }> = {
  fullstory: {
    title: "FullStory",
    adapter: () => createFullStoryAdapter(createFullStoryClient({ apiKey: key, baseUrl })),
  },
  slashid: {
    title: "SlashID",
    adapter: () => createSlashIdAdapter(createSlashIdClient({ apiKey: key, orgId: "o", baseUrl })),
  },
  propeller: {
    title: "Propeller",
    adapter: () =>
      createPropellerAdapter(createPropellerClient({ clientId: "i", clientSecret: key, baseUrl })),
  },
  userpilot: {
    title: "Userpilot",
    adapter: () => createUserpilotAdapter(createUserpilotClient({ apiKey: key, baseUrl })),
  },
};
