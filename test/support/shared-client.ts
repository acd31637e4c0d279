// Two imports at once through ONE client into one vendor account (a worker pool sharing a client, or a second
// import started while the first still follows its job): one simulator, the same fault script over both
// imports' calls, each import's report checked against what the vendor holds. Batches are disjoint, or share
// `overlap` users (the same keys, other values: each import's record of them is its own).
import { join } from "node:path";
import type { ImportReport, RecordOutcome } from "../../src/core/engine/report.js";
import type { FaultCall } from "../../src/testing/faults.js";
import { simulatorHandlers } from "../../src/testing/msw.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";
import {
  simulatorSettings,
  SIMULATOR_SECRETS,
  type VendorModule,
} from "../../src/vendor-module.js";
import { vendorNamed, type VendorName } from "../../src/vendors.js";
import { IMPORTERS } from "./importers.js";
import { HOSTS, useMswServer } from "./msw.js";
import { actionOf, type Action } from "./report-truth.js";
import type { Rec } from "./stored-values.js";
import { tempDir } from "./temp-dir.js";
import { VENDOR_PROFILES } from "./vendor-profiles.js";

export interface SharedScenario {
  readonly seed: number;
  /** How many records each import carries. */
  readonly sizes: readonly [number, number];
  /** How many of the second import's records have the key of one of the first's (the first ones of each). */
  readonly overlap: number;
  readonly chunkRecords: number;
  readonly concurrency: number;
  /** Per operation, the action of its attempts 1, 2, …, counted over both imports' calls. */
  readonly plan: Readonly<Record<string, readonly Action[]>>;
  /** Each import keeps a journal of its own. */
  readonly journals?: boolean;
  /** The simulator's variant (report-truth's), and whether with the vendor's limits (in-flight jobs, …). */
  readonly variant?: number;
  readonly hard?: boolean;
  /** Adapter options beside the runner's (e.g. Userpilot's `soleImporter`). */
  readonly tuning?: object;
  /**
   * Options of one import only (a signal it is aborted by, a callback that throws): that import may fail
   * records without a fault, and may reject; the other is held to the whole check.
   */
  readonly disturbA?: (run: { readonly sim: VendorSimulator }) => object;
  /** Both imports are given one journal file. */
  readonly sameJournal?: boolean;
}

export interface SharedRun {
  /** Each import's report, or what its promise rejected with. */
  readonly settled: readonly [
    PromiseSettledResult<ImportReport>,
    PromiseSettledResult<ImportReport>,
  ];
  readonly records: readonly [Rec[], Rec[]];
  readonly sim: VendorSimulator;
  readonly problems: string[];
}

type Sim = VendorSimulator & { stats(): { duplicates: number } };

/** Runs scenarios on this test file's msw server (set up by this call). */
export function useSharedClientRunner(): (
  vendor: VendorName,
  scenario: SharedScenario,
) => Promise<SharedRun> {
  const server = useMswServer();
  return async (vendorName, scenario) => {
    const { truth } = VENDOR_PROFILES[vendorName];
    const vendor = vendorNamed(vendorName) as unknown as VendorModule<
      VendorName,
      unknown,
      Rec,
      Sim,
      object
    >;
    const [sizeA, sizeB] = scenario.sizes;
    // Other seeds: a user both imports carry has other values in each.
    const [samplesA, samplesB] = await Promise.all([
      vendor.samples(scenario.seed),
      vendor.samples(scenario.seed + 1),
    ]);
    const keysA = Array.from({ length: sizeA }, (_, i) => `a${i}`);
    const keysB = Array.from({ length: sizeB }, (_, i) =>
      i < scenario.overlap ? `a${i}` : `b${i}`,
    );
    const records: [Rec[], Rec[]] = [
      keysA.map((key) => samplesA.record(key)),
      keysB.map((key) => samplesB.record(key)),
    ];
    const script = ({ operation, attempt }: FaultCall) => {
      const action = scenario.plan[operation]?.[attempt - 1];
      return action === undefined ? undefined : actionOf(action);
    };
    const create = await vendor.simulator();
    const sim = create({
      settings: simulatorSettings(vendor),
      faults: { script },
      options: truth.variantOptions(scenario.variant ?? 0, scenario.hard === true),
    });
    server.resetHandlers();
    server.use(...simulatorHandlers(sim, HOSTS[vendorName]));
    const now = () => Promise.resolve();
    const client = vendor.createClient(simulatorSettings(vendor), {
      sleep: now,
      retryBaseDelayMs: 1,
      timeoutMs: 10_000,
    });
    const folder = tempDir("shared-client-");
    const options = (name: string) => ({
      chunkRecords: scenario.chunkRecords,
      concurrency: scenario.concurrency,
      replayDelayMs: 0,
      maxReplayDelayMs: 0,
      sleep: now,
      pollIntervalMs: 1,
      maxPollIntervalMs: 1,
      conflictWaitMs: 1,
      ...scenario.tuning,
      ...(scenario.journals === true && { journal: join(folder, `${name}.journal`) }),
      ...(scenario.sameJournal === true && { journal: join(folder, "shared.journal") }),
    });
    const settled = await Promise.allSettled([
      IMPORTERS[vendorName](client, records[0], {
        ...options("a"),
        ...scenario.disturbA?.({ sim }),
      }),
      IMPORTERS[vendorName](client, records[1], options("b")),
    ]);

    const problems: string[] = [];
    const stored = truth.stored(sim);
    // The vendor's hard limits (SlashID's pricing tier, Propeller's users per request) refuse records too.
    const faulted =
      scenario.hard === true ||
      Object.values(scenario.plan).some((actions) => actions.some((a) => a !== "none"));
    const check = (
      disturbed: boolean,
      name: string,
      report: ImportReport,
      own: Rec[],
      other: Map<string, Rec>,
      keys: string[],
    ) => {
      const say = (text: string) => problems.push(`${name}: ${text}`);
      // Aborted, an import stops reading (README): its report holds the records it read.
      const read = report.aborted ? Math.min(report.total, own.length) : own.length;
      if (report.total !== read) say(`total ${report.total} for ${own.length} records`);
      if (report.imported + report.failed + report.rejected !== read)
        say(`imported + failed + rejected != ${read}`);
      const byIndex = new Map<number, RecordOutcome[]>();
      for (const o of report.outcomes) byIndex.set(o.index, [...(byIndex.get(o.index) ?? []), o]);
      for (let i = 0; i < read; i++)
        if ((byIndex.get(i)?.length ?? 0) !== 1)
          say(`record #${i} has ${byIndex.get(i)?.length ?? 0} outcomes`);
      for (const o of report.outcomes) {
        const record = own[o.index] as Rec;
        const shared = other.get(keys[o.index] as string);
        const held = stored.find(record);
        if (o.outcome === "imported") {
          if (held === undefined) say(`#${o.index} ${o.key} reported imported, not stored`);
          else if (shared === undefined) {
            for (const d of stored.differences(record, held))
              say(`#${o.index} ${o.key} imported, other values: ${d}`);
          } else if (
            stored.differences(record, held, true).length > 0 &&
            stored.differences(shared, held, true).length > 0
          )
            say(`#${o.index} ${o.key} imported, but the vendor holds neither import's values`);
        } else if (shared !== undefined) {
          // The other import may have written the user.
        } else if (o.outcome === "failed" && held !== undefined) {
          if (truth.certain(o.code))
            say(`#${o.index} ${o.key} failed [${o.code}] for good, but stored`);
          else if (o.vendorMayHold !== true)
            say(
              `#${o.index} ${o.key} failed [${o.code}] ${o.reason}, stored, and no vendorMayHold`,
            );
        } else if (o.outcome === "rejected") say(`#${o.index} ${o.key} rejected though valid`);
        if (!faulted && !disturbed && o.outcome !== "imported" && shared === undefined)
          say(`no fault, yet #${o.index} ${o.key} ${o.outcome}: ${o.reason}`);
      }
      if (report.fatal !== undefined && !faulted && !disturbed)
        say(`no fault, yet fatal: ${JSON.stringify(report.fatal)}`);
    };
    const byKey = (recs: Rec[], keys: string[]) =>
      new Map(recs.map((r, i) => [keys[i] as string, r]));
    const [a, b] = settled;
    if (a.status === "fulfilled")
      check(
        scenario.disturbA !== undefined,
        "A",
        a.value,
        records[0],
        byKey(records[1], keysB),
        keysA,
      );
    else if (scenario.disturbA === undefined && scenario.sameJournal !== true)
      problems.push(`A rejected: ${String(a.reason)}`);
    if (b.status === "fulfilled")
      check(false, "B", b.value, records[1], byKey(records[0], keysA), keysB);
    else if (scenario.sameJournal !== true) problems.push(`B rejected: ${String(b.reason)}`);
    // Jobs told apart by their users' ids (Userpilot's simulator): two imports' jobs of one set of users
    // count as duplicates, so only disjoint batches are held to none.
    const duplicates = sim.stats().duplicates;
    if (duplicates !== 0 && scenario.overlap === 0)
      problems.push(`simulator counts ${duplicates} duplicates`);
    const text = JSON.stringify(settled);
    for (const secret of [SIMULATOR_SECRETS.apiKey, SIMULATOR_SECRETS.clientSecret, "sim-token-"])
      if (text.includes(secret)) problems.push(`a report holds a secret (${secret.slice(0, 4)}…)`);
    return { settled, records, sim, problems };
  };
}
