// What the soak checks of each vendor's simulator, beyond what the vendor module gives: how the simulator is
// set up for the soak, the keys of the users it stored, and the code a record it refused fails with; and how
// the crash test (kill.ts) makes and reads it. Keyed by every name in src/vendors.ts, so a new vendor without
// a profile does not compile.
import {
  SIMULATOR_SECRETS,
  type SimulatorSetup,
  type VendorModule,
} from "../../src/vendor-module.js";
import { fullStoryModule } from "../../src/fullstory/module.js";
import { propellerModule } from "../../src/propeller/module.js";
import { slashIdModule } from "../../src/slashid/module.js";
import type { FaultOptions } from "../../src/testing/faults.js";
import { createFullStorySimulator } from "../../src/testing/fullstory.js";
import { createPropellerSimulator } from "../../src/testing/propeller.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";
import { createSlashIdSimulator } from "../../src/testing/slashid.js";
import { createUserpilotSimulator } from "../../src/testing/userpilot.js";
import { userpilotModule } from "../../src/userpilot/module.js";
import type { VendorName } from "../../src/vendors.js";
import { canonical } from "./canonical.js";

/** A simulator as the soak runs it. */
export interface SoakSimulator {
  readonly simulator: VendorSimulator;
  /** The keys of the records the vendor stored. */
  stored(): (string | undefined)[];
  /** Secrets the simulator made (e.g. access tokens), to look for in the output. */
  secrets(): string[];
}

export interface SoakProfile {
  /** The worlds the vendor is soaked in, each a target of its own; absent, one. */
  readonly worlds?: readonly SoakWorld[];
  /** The failure code of a record the vendor refused (the `rejectRate` fault). */
  readonly vendorRejection: string;
  start(setup: SimulatorSetup, world: SoakWorld): Promise<SoakSimulator>;
  /** The crash test's simulator, whose credential is the CLI's `secret`. */
  kill(secret: string, faults: FaultOptions, world: SoakWorld): KillVendor;
}

/** One vendor's simulator as the crash test drives it. */
export interface KillVendor {
  readonly simulator: VendorSimulator;
  /** The stored users by their key, minus what differs between any two runs (ids, writers). */
  users(): Map<string, string>;
  jobs(): number | undefined;
  /**
   * The second kill point, answers to `operation` counted within the second run (the first kill follows the
   * 8th write: an answer to one of the module's `writes`).
   */
  readonly secondKill: { readonly what: string; readonly operation: string };
}

/** The world a soak target models, where the vendor leaves it open. */
export interface SoakWorld {
  /** How the summary tells this world from the vendor's others, e.g. `refuse`. */
  readonly label?: string;
  /** SlashID: what an upload does with a person that already exists. */
  readonly existingPersons?: "upsert" | "refuse";
  /**
   * Chunks in flight and records per chunk, where the world is many small chunks at once (otherwise the
   * adapter's concurrency and the soak's 500 records a chunk): the waits of repeated users and the shared
   * rate limiter under load. The kill test leaves such a world out.
   */
  readonly wide?: { readonly concurrency: number; readonly chunkRecords: number };
}

/** A vendor's world of many small chunks in flight at once. */
const WIDE: SoakWorld = { label: "32 in flight", wide: { concurrency: 32, chunkRecords: 100 } };

function profile<N extends string, C, I, S extends VendorSimulator, O>(
  module: VendorModule<N, C, I, S, O>,
  vendorRejection: string,
  soak: {
    worlds?: readonly SoakWorld[];
    options?: (world: SoakWorld) => O;
    faults?: (faults: FaultOptions) => FaultOptions;
    stored: (simulator: S) => (string | undefined)[];
    secrets?: (simulator: S) => string[];
  },
  kill: SoakProfile["kill"],
): SoakProfile {
  return {
    ...(soak.worlds !== undefined && { worlds: soak.worlds }),
    vendorRejection,
    kill,
    start: async (setup, world) => {
      const options = soak.options?.(world);
      const simulator = (await module.simulator())({
        settings: setup.settings,
        faults: soak.faults?.(setup.faults) ?? setup.faults,
        ...(options !== undefined && { options }),
      });
      return {
        simulator,
        stored: () => soak.stored(simulator),
        secrets: () => soak.secrets?.(simulator) ?? [],
      };
    },
  };
}

export const SOAK_PROFILES: Readonly<Record<VendorName, SoakProfile>> = {
  fullstory: profile(
    fullStoryModule,
    "simulated_rejection",
    {
      worlds: [{}, WIDE],
      stored: (sim) => sim.users().map((u) => u.uid),
    },
    (secret, faults) => {
      // Jobs end at their first status poll, so the CLI's default poll interval is never waited.
      const sim = createFullStorySimulator({ apiKey: secret, processingMs: 0, faults });
      return {
        simulator: sim,
        users: () =>
          new Map(
            sim.users().map((u) => {
              const { id: _id, writers: _writers, ...data } = u;
              return [u.uid ?? `(no uid) ${u.id}`, canonical(data)];
            }),
          ),
        jobs: () => sim.stats().jobs,
        secondKill: {
          what: "the 5th page of imports answered in the run (a job half read)",
          operation: "getBatchImports",
        },
      };
    },
  ),
  slashid: profile(
    slashIdModule,
    "rejected_by_vendor",
    {
      worlds: [
        { label: "refuse", existingPersons: "refuse" },
        { label: "upsert", existingPersons: "upsert" },
      ],
      options: (world) => ({ existingPersons: world.existingPersons ?? "refuse" }),
      stored: (sim) => sim.persons().map((p) => p.emails[0]?.split("@")[0]),
    },
    (secret, faults, world) => {
      const sim = createSlashIdSimulator({
        apiKey: secret,
        orgId: SIMULATOR_SECRETS.orgId,
        faults,
        existingPersons: world.existingPersons ?? "refuse",
      });
      return {
        simulator: sim,
        users: () =>
          new Map(
            sim.persons().map((p) => {
              const { id: _id, uploads: _uploads, ...data } = p;
              return [p.key, canonical(data)];
            }),
          ),
        jobs: () => undefined,
        secondKill: { what: "the 5th upload answered in the run", operation: "bulkImportPersons" },
      };
    },
  ),
  propeller: profile(
    propellerModule,
    "rejected_by_vendor",
    {
      worlds: [{}, WIDE],
      stored: (sim) => sim.users().map((u) => String(u.sourceId)),
      // The access tokens it issued are secrets too.
      secrets: (sim) => sim.tokensIssued().map((t) => t.token),
    },
    (secret, faults) => {
      const sim = createPropellerSimulator({
        clientId: SIMULATOR_SECRETS.clientId,
        clientSecret: secret,
        faults,
        tokenFaults: false,
      });
      return {
        simulator: sim,
        users: () =>
          new Map(
            sim
              .users()
              .map((u) => [
                canonical([u.source, String(u.sourceId), u.primaryLanguage?.toUpperCase() ?? ""]),
                canonical(u.fields),
              ]),
          ),
        jobs: () => undefined,
        secondKill: {
          what: "the 5th bulk request answered in the run",
          operation: "bulkUsersBySourceId",
        },
      };
    },
  ),
  // Userpilot refuses whole jobs, and a 1% roll per job may refuse none of a soak's 100 jobs (50,000
  // records in chunks of 500): one job in every 100 (the 3rd, 103rd, …) is refused instead, so about 1%
  // of the records are in a full run, and a small run still has a refusal to report.
  userpilot: profile(
    userpilotModule,
    "job_failed",
    {
      options: () => ({ failJobs: (job) => job.index % 100 === 3 }),
      faults: (faults) => ({ ...faults, rejectRate: 0 }),
      stored: (sim) => sim.users().map((u) => u.user_id),
    },
    (secret, faults) => {
      // Jobs end at their first status poll, so the CLI's poll interval is never waited. The clock is the
      // real one: the client finds the job a lost request created by its start time.
      const sim = createUserpilotSimulator({ apiKey: secret, faults, stepMs: 0 });
      return {
        simulator: sim,
        users: () =>
          new Map(
            sim.users().map((u) => {
              const { writers: _writers, ...data } = u;
              return [u.user_id, canonical(data)];
            }),
          ),
        jobs: () => sim.stats().jobs,
        secondKill: {
          what: "the 5th job status poll answered in the run (a job half followed)",
          operation: "getBackgroundJob",
        },
      };
    },
  ),
};
