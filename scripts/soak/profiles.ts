// What the soak checks of each vendor's simulator, beyond what the vendor module gives: how the simulator is
// set up for the soak, the keys of the users it stored, and the code a record it refused fails with. Keyed
// by every name in src/vendors.ts, so a new vendor without a profile does not compile.
import type { SimulatorSetup, VendorModule } from "../../src/vendor-module.js";
import { fullStoryModule } from "../../src/fullstory/module.js";
import { propellerModule } from "../../src/propeller/module.js";
import { slashIdModule } from "../../src/slashid/module.js";
import type { FaultOptions } from "../../src/testing/faults.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";
import { userpilotModule } from "../../src/userpilot/module.js";
import type { VendorName } from "../../src/vendors.js";

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
}

/** The world a soak target models, where the vendor leaves it open. */
export interface SoakWorld {
  /** How the summary tells this world from the vendor's others, e.g. `refuse`. */
  readonly label?: string;
  /** SlashID: what an upload does with a person that already exists. */
  readonly existingPersons?: "upsert" | "refuse";
  /**
   * Chunks in flight and records per chunk, where the world is many small chunks at once (the adapter's
   * defaults otherwise, 500 records a chunk): the waits of repeated users and the shared rate limiter under
   * load. The kill test leaves such a world out.
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
): SoakProfile {
  return {
    ...(soak.worlds !== undefined && { worlds: soak.worlds }),
    vendorRejection,
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
  fullstory: profile(fullStoryModule, "simulated_rejection", {
    worlds: [{}, WIDE],
    stored: (sim) => sim.users().map((u) => u.uid),
  }),
  slashid: profile(slashIdModule, "rejected_by_vendor", {
    worlds: [
      { label: "refuse", existingPersons: "refuse" },
      { label: "upsert", existingPersons: "upsert" },
    ],
    options: (world) => ({ existingPersons: world.existingPersons ?? "refuse" }),
    stored: (sim) => sim.persons().map((p) => p.emails[0]?.split("@")[0]),
  }),
  propeller: profile(propellerModule, "rejected_by_vendor", {
    worlds: [{}, WIDE],
    stored: (sim) => sim.users().map((u) => String(u.sourceId)),
    // The access tokens it issued are secrets too.
    secrets: (sim) => sim.tokensIssued().map((t) => t.token),
  }),
  // Userpilot refuses whole jobs, and a 1% roll per job may refuse none of a soak's 100 jobs (50,000
  // records in chunks of 500): one job in every 100 (the 3rd, 103rd, …) is refused instead, so about 1%
  // of the records are in a full run, and a small run still has a refusal to report.
  userpilot: profile(userpilotModule, "job_failed", {
    options: () => ({ failJobs: (job) => job.index % 100 === 3 }),
    faults: (faults) => ({ ...faults, rejectRate: 0 }),
    stored: (sim) => sim.users().map((u) => u.user_id),
  }),
};
