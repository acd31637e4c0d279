// README "Lost answers" gives each vendor's `replay.by`, the field an integrator reads to learn what a replay
// does at that vendor: each row must name what the vendor's adapter states.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ReplaySemantics } from "../../src/core/engine/adapter.js";
import { createFullStoryAdapter } from "../../src/fullstory/adapter.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { createPropellerAdapter } from "../../src/propeller/adapter.js";
import { createPropellerClient } from "../../src/propeller/client.js";
import { createSlashIdAdapter } from "../../src/slashid/adapter.js";
import { createSlashIdClient } from "../../src/slashid/client.js";
import { createUserpilotAdapter } from "../../src/userpilot/adapter.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import type { VendorName } from "../../src/vendors.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const readme = readFileSync(path.join(root, "README.md"), "utf8");

const key = "k7Qv2LmZr9cWb4Np";
const baseUrl = "http://127.0.0.1:9";
/** Each vendor's adapter, by the name README's rows give it. */
const ADAPTERS: Record<
  VendorName,
  { title: string; adapter: () => { readonly replay: ReplaySemantics } }
> = {
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

/** The `replay.by` README's "Lost answers" table gives the vendor titled `title`. */
function documentedReplay(title: string): string | undefined {
  const section = readme.slice(readme.indexOf("### Lost answers"));
  const row = new RegExp(`^\\| ${title} +\\| \`([\\w-]+)\` +\\|`, "m").exec(section);
  return row?.[1];
}

describe("README's table of replays after a lost answer", () => {
  it.each(Object.values(ADAPTERS))(
    "$title: replay.by is the one README gives",
    ({ title, adapter }) => {
      expect(documentedReplay(title)).toBe(adapter().replay.by);
    },
  );
});
