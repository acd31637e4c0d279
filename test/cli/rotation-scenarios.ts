// An operator rotates a credential in the middle of a journaled import: the first run stops with a chunk
// out (its request reached the vendor, its answer never came back), the credential is rotated at the vendor
// meanwhile, and the run is repeated with the new credential and the same journal. One profile per vendor
// and credential: the simulator, its flags before and after, and how the simulator rotates.
import {
  createFullStorySimulator,
  createPropellerSimulator,
  createSlashIdSimulator,
  createUserpilotSimulator,
} from "../../src/testing/index.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";
import {
  CREDS,
  FAST_POLL,
  fullStoryUsers,
  propellerUsers,
  slashIdPersons,
  steppingClock,
  userpilotUsers,
} from "./helpers.js";

/** What a rotation test needs of one vendor and credential. */
export interface RotationProfile {
  /** `<vendor>: <credential>`, for test names. */
  readonly name: string;
  readonly vendor: string;
  /** A simulator that can rotate, and the rotation itself. */
  create(): { sim: VendorSimulator; rotate: () => void; users: () => readonly string[] };
  /** The bulk write's `METHOD /path`, whose second request the first run is stopped at. */
  readonly route: string;
  readonly records: (n: number, prefix: string) => unknown[];
  /** The import's flags after `--base-url <url>`, with the first credential or the rotated one. */
  flags(rotated: boolean): string[];
  /** Every secret the runs were given, none of which may show in any output or file. */
  readonly secrets: readonly string[];
  /** What the journal names as the account before the rotation (safe to print), if it changes with it. */
  readonly accountChanges: boolean;
}

// Rotated credentials, as unlike the first ones as a real key is.
export const NEW_KEY = "k9Q2xv71LmTz";
export const NEW_SECRET = "s3cW8nY4pB0d";
export const NEW_CLIENT = "tenant-client-2";

export const ROTATIONS: readonly RotationProfile[] = [
  {
    name: "fullstory: API key",
    vendor: "fullstory",
    create() {
      const sim = createFullStorySimulator({ processingPolls: 0 });
      return {
        sim,
        rotate: () => sim.rotateKey(NEW_KEY),
        users: () => sim.users().map((u) => u.uid ?? ""),
      };
    },
    route: "POST /v2/users/batch",
    records: fullStoryUsers,
    flags: (rotated) => ["--api-key", rotated ? NEW_KEY : CREDS.apiKey, ...FAST_POLL],
    secrets: [CREDS.apiKey, NEW_KEY],
    accountChanges: true,
  },
  {
    name: "userpilot: API key",
    vendor: "userpilot",
    create() {
      const sim = createUserpilotSimulator(steppingClock());
      return {
        sim,
        rotate: () => sim.rotateKey(NEW_KEY),
        users: () => sim.users().map((u) => u.user_id),
      };
    },
    route: "POST /v1/users/bulk_identify",
    records: userpilotUsers,
    flags: (rotated) => ["--api-key", rotated ? NEW_KEY : CREDS.apiKey, ...FAST_POLL],
    secrets: [CREDS.apiKey, NEW_KEY],
    accountChanges: true,
  },
  {
    name: "slashid: API key (org id unchanged)",
    vendor: "slashid",
    create() {
      const sim = createSlashIdSimulator();
      return {
        sim,
        rotate: () => sim.rotateKey(NEW_KEY),
        users: () => sim.persons().map((p) => p.key),
      };
    },
    route: "POST /persons/bulk-import",
    records: slashIdPersons,
    flags: (rotated) => ["--api-key", rotated ? NEW_KEY : CREDS.apiKey, "--org-id", CREDS.orgId],
    secrets: [CREDS.apiKey, NEW_KEY],
    accountChanges: false,
  },
  {
    name: "propeller: client secret (client id unchanged)",
    vendor: "propeller",
    create() {
      const sim = createPropellerSimulator();
      return {
        sim,
        rotate: () => sim.rotateClient({ clientSecret: NEW_SECRET }),
        users: () => sim.users().map((u) => String(u.sourceId)),
      };
    },
    route: "POST /v2/users/bulk/sourceId",
    records: propellerUsers,
    flags: (rotated) => [
      ...["--client-id", CREDS.clientId],
      ...["--client-secret", rotated ? NEW_SECRET : CREDS.clientSecret],
    ],
    secrets: [CREDS.clientSecret, NEW_SECRET],
    accountChanges: false,
  },
  {
    name: "propeller: client id (a new client of the same tenant)",
    vendor: "propeller",
    create() {
      const sim = createPropellerSimulator();
      return {
        sim,
        rotate: () => sim.rotateClient({ clientId: NEW_CLIENT, clientSecret: NEW_SECRET }),
        users: () => sim.users().map((u) => String(u.sourceId)),
      };
    },
    route: "POST /v2/users/bulk/sourceId",
    records: propellerUsers,
    flags: (rotated) => [
      ...["--client-id", rotated ? NEW_CLIENT : CREDS.clientId],
      ...["--client-secret", rotated ? NEW_SECRET : CREDS.clientSecret],
    ],
    secrets: [CREDS.clientSecret, NEW_SECRET],
    accountChanges: true,
  },
];
