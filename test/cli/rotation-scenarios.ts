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
  /**
   * The flags with the rotated credential mistyped (another key, or another client id), which the vendor
   * refuses (401), where the journal's account changes with it.
   */
  readonly mistyped?: readonly string[];
  /** Every secret the runs were given, none of which may show in any output or file. */
  readonly secrets: readonly string[];
  /** What the journal names as the account before the rotation (safe to print), if it changes with it. */
  readonly accountChanges: boolean;
  /**
   * Whether the re-run sends the chunk that was out again by a replay that rests on what the vendor kept of
   * the old credential's send (an idempotency key, a job in the list): then its records, and only they, say
   * the vendor may have written them twice. Not when the re-run finds the chunk's job and follows it, nor
   * where the vendor matches records on their keys (Propeller's upsert).
   */
  readonly resent: boolean;
}

/** Userpilot, its clock a month behind ours: far past `clockSkewMs`, no job is taken for the lost answer's. */
const MONTH_MS = 30 * 24 * 3_600_000;

// Rotated credentials, as unlike the first ones as a real key is.
export const NEW_KEY = "k9Q2xv71LmTz";
export const NEW_SECRET = "s3cW8nY4pB0d";
/**
 * Propeller's first client secret: the simulator's default, `sim-secret`, shares 6 characters (`secret`) with
 * the flag `--client-secret`, so a check that no fragment of a secret is shown would fail on any line naming
 * the flag.
 */
export const FIRST_SECRET = "q5Hn2Lr8Tw6v";
export const NEW_CLIENT = "tenant-client-2";
/** The rotated key, or client id, as an operator might mistype it: one character off. */
export const MISTYPED_KEY = "k9Q2xv71LmTx";
export const MISTYPED_CLIENT = "tenant-client-3";

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
    mistyped: ["--api-key", MISTYPED_KEY, ...FAST_POLL],
    secrets: [CREDS.apiKey, NEW_KEY, MISTYPED_KEY],
    accountChanges: true,
    resent: true,
  },
  // The job of the chunk that was out is found in the list (the simulator lists it under the new key).
  userpilotRotation("userpilot: API key", 0, false),
  userpilotRotation("userpilot: API key, Userpilot's clock a month behind ours", MONTH_MS, true),
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
    resent: false,
  },
  propellerRotation("propeller: client secret (client id unchanged)", false),
  propellerRotation("propeller: client id (a new client of the same tenant)", true),
];

/** Userpilot's key rotated, its clock `behindMs` behind ours; `resent`: see {@link RotationProfile.resent}. */
function userpilotRotation(name: string, behindMs: number, resent: boolean): RotationProfile {
  return {
    name,
    vendor: "userpilot",
    create() {
      const sim = createUserpilotSimulator(steppingClock(behindMs));
      return {
        sim,
        rotate: () => sim.rotateKey(NEW_KEY),
        users: () => sim.users().map((u) => u.user_id),
      };
    },
    route: "POST /v1/users/bulk_identify",
    records: userpilotUsers,
    flags: (rotated) => ["--api-key", rotated ? NEW_KEY : CREDS.apiKey, ...FAST_POLL],
    mistyped: ["--api-key", MISTYPED_KEY, ...FAST_POLL],
    secrets: [CREDS.apiKey, NEW_KEY, MISTYPED_KEY],
    accountChanges: true,
    resent,
  };
}

/** Propeller's client secret rotated, and with `newClient` its client id too (the journal's account). */
function propellerRotation(name: string, newClient: boolean): RotationProfile {
  const clientId = (rotated: boolean) => (rotated && newClient ? NEW_CLIENT : CREDS.clientId);
  return {
    name,
    vendor: "propeller",
    create() {
      const sim = createPropellerSimulator({ clientSecret: FIRST_SECRET });
      const rotation = { clientSecret: NEW_SECRET, ...(newClient && { clientId: NEW_CLIENT }) };
      return {
        sim,
        rotate: () => sim.rotateClient(rotation),
        users: () => sim.users().map((u) => String(u.sourceId)),
      };
    },
    route: "POST /v2/users/bulk/sourceId",
    records: propellerUsers,
    flags: (rotated) => [
      ...["--client-id", clientId(rotated)],
      ...["--client-secret", rotated ? NEW_SECRET : FIRST_SECRET],
    ],
    ...(newClient && {
      mistyped: ["--client-id", MISTYPED_CLIENT, "--client-secret", NEW_SECRET],
    }),
    secrets: [FIRST_SECRET, NEW_SECRET],
    accountChanges: newClient,
    resent: false,
  };
}
