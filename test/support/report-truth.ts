// The report-truth scenario runner: one import of generated records into a vendor simulator whose calls a
// scenario scripts (faults per operation and attempt, vendor refusals, repeated keys, an abort and a re-run from
// the journal), then every way its report could lie, as messages. test/property/report-truth.test.ts drives it
// with generated scenarios; other tests with hand-made ones.
//
// Knobs (environment): TRUTH_LATE=1 (a short timeout, so `late` answers come after it), TRUTH_TIMEOUT,
// TRUTH_LOOPBACK=1 (serveSimulator on 127.0.0.1 instead of msw), TRUTH_ABORT=2 (keep the faults in the re-run),
// TRUTH_HARD=1 (vendor limits: FullStory maxInProgressJobs, SlashID pricing tier, Propeller maxUsers, Userpilot
// maxBytes → 413 splits), TRUTH_CONVERGE=1 (no failure but vendor refusals), TRUTH_LOG=<file> (each
// failed-but-stored outcome), TRUTH_TRACE / TRUTH_UNHANDLED (debugging); the property's own in its file.
import fc from "fast-check";
import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ImportReport, RecordOutcome } from "../../src/core/engine/report.js";
import type { FaultCall, ScriptAction } from "../../src/testing/faults.js";
import { cutAnswer, gatewayPage } from "../../src/testing/kit/answers.js";
import { simulatorHandlers } from "../../src/testing/msw.js";
import { serveSimulator } from "../../src/testing/serve.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";
import {
  SIMULATOR_SECRETS,
  simulatorSettings,
  type VendorModule,
} from "../../src/vendor-module.js";
import { vendorNamed, type VendorName } from "../../src/vendors.js";
import { IMPORTERS } from "./importers.js";
import { HOSTS, useMswServer } from "./msw.js";
import type { Rec } from "./stored-values.js";
import { tempDir } from "./temp-dir.js";
import { VENDOR_PROFILES } from "./vendor-profiles.js";

type MswServer = ReturnType<typeof useMswServer>;

// An answer after the client's timeout (`late`) needs a short timeout, which a loaded machine may meet on any
// request: opt in with TRUTH_LATE=1; otherwise the timeout is one no answer of an in-process simulator meets.
const LATE = process.env.TRUTH_LATE === "1";
const TIMEOUT_MS = Number(process.env.TRUTH_TIMEOUT ?? (LATE ? 40 : 10_000));

export const ACTIONS = [
  "none",
  "429",
  "5xx",
  "drop",
  "lost_answer",
  "gw502",
  "gw504",
  "html200",
  "cut",
  "late",
  "pre_html200",
  "pre_gw502",
  // A 401 in the vendor's place (a key revoked mid-import), which stops the import; TRUTH_AUTH=0 leaves it out.
  "auth401",
] as const;
export type Action = (typeof ACTIONS)[number];

const htmlOk = () =>
  new Response("<html><body>Request accepted</body></html>", {
    status: 200,
    headers: { "Content-Type": "text/html" },
  });

export function actionOf(action: Action): ScriptAction | undefined {
  switch (action) {
    case "none":
      return undefined;
    case "gw502":
      return { after: () => gatewayPage(502) };
    case "gw504":
      return { after: () => gatewayPage(504) };
    case "html200":
      return { after: htmlOk };
    case "cut":
      return { after: () => cutAnswer() };
    case "pre_html200":
      // A proxy answers in the vendor's place: nothing is processed.
      return { answer: htmlOk };
    case "auth401":
      return {
        answer: () =>
          new Response(JSON.stringify({ message: "Unauthorized", code: "unauthorized" }), {
            status: 401,
            headers: { "Content-Type": "application/json" },
          }),
      };
    case "pre_gw502":
      return { answer: () => gatewayPage(502) };
    case "late":
      // The vendor acted; its answer comes after the client's timeout.
      return {
        after: async (answer) => {
          await new Promise((resolve) => setTimeout(resolve, 3 * TIMEOUT_MS));
          return answer;
        },
      };
    default:
      return action;
  }
}

export interface Scenario {
  readonly seed: number;
  readonly size: number;
  /** Record indexes our validation must reject (a `broken` sample). */
  readonly broken: readonly number[];
  /** Record indexes the vendor refuses (`faults.reject`). */
  readonly refused: readonly number[];
  readonly chunkRecords: number;
  readonly concurrency: number;
  /** Per operation, the action of attempts 1, 2, … */
  readonly plan: Readonly<Record<string, readonly Action[]>>;
  /** Record indexes that reuse the key of the record before them (duplicate keys in the input). */
  readonly repeats?: readonly number[];
  /** Simulator variant: FullStory `processingPolls`/`pageSize`, SlashID upsert, Userpilot `pollsPerStep`. */
  readonly variant?: number;
  /**
   * A first run, with a journal, is aborted by its signal at this call of the simulator; a second run with the
   * same journal and no fault follows, and its report is the one checked.
   */
  readonly abortAt?: number | undefined;
  readonly chunkAttempts?: number | undefined;
  /**
   * Waits (retry backoff, replay delays, polls) last up to this many ms of real time instead of none: the
   * chunks after a faulted one go out while it waits, as they would against a vendor on the network.
   */
  readonly waitMs?: number | undefined;
}

export interface Run {
  readonly report: ImportReport;
  readonly sim: VendorSimulator & { stats(): { duplicates: number } };
  readonly records: Rec[];
  readonly problems: string[];
  readonly first?: ImportReport;
}

/** Runs one scenario and returns every broken promise as a message. */
let current = "";
if (process.env.TRUTH_UNHANDLED)
  process.on("unhandledRejection", (reason) => console.log("UNHANDLED", String(reason), current));

/** Runs scenarios on this test file's msw server (set up by this call). */
export function useScenarioRunner(): (vendor: VendorName, scenario: Scenario) => Promise<Run> {
  const server = useMswServer();
  return (vendor, scenario) => runScenario(server, vendor, scenario);
}

async function runScenario(
  server: MswServer,
  vendorName: VendorName,
  scenario: Scenario,
): Promise<Run> {
  current = `${vendorName} ${JSON.stringify(scenario)}`;
  const { truth } = VENDOR_PROFILES[vendorName];
  const vendor = vendorNamed(vendorName) as unknown as VendorModule<
    VendorName,
    unknown,
    Rec,
    VendorSimulator & { stats(): { duplicates: number } },
    object
  >;
  const samples = await vendor.samples(scenario.seed);
  const repeats = scenario.repeats ?? [];
  const keyAt = (i: number): string => (repeats.includes(i) && i > 0 ? keyAt(i - 1) : `k${i}`);
  const records: Rec[] = Array.from({ length: scenario.size }, (_, i) =>
    scenario.broken.includes(i) ? (samples.broken(keyAt(i)) as Rec) : samples.record(keyAt(i)),
  );
  const refusedKeys = new Set(
    scenario.refused.filter((i) => !scenario.broken.includes(i)).map((i) => keyAt(i)),
  );
  const reject = (key: string): boolean => truth.refuses(key, refusedKeys);
  let calls = 0;
  let resumed = false;
  const controller = new AbortController();
  const script = ({ operation, attempt }: FaultCall) => {
    calls += 1;
    if (process.env.TRUTH_TRACE)
      console.log(
        "CALL",
        calls,
        operation,
        attempt,
        controller.signal.aborted,
        new Date().toISOString(),
      );
    if (calls === scenario.abortAt) controller.abort();
    if (process.env.TRUTH_TRACE_AFTER && calls === scenario.abortAt)
      return {
        after: (a: Response) => {
          console.log("PROCESSED", calls, new Date().toISOString());
          return a;
        },
      };
    const action =
      resumed && process.env.TRUTH_ABORT !== "2"
        ? undefined
        : scenario.plan[operation]?.[attempt - 1];
    return action === undefined ? undefined : actionOf(action);
  };
  const create = await vendor.simulator();
  const sim = create({
    settings: simulatorSettings(vendor),
    faults: { script, reject },
    options: truth.variantOptions(scenario.variant ?? 0, process.env.TRUTH_HARD !== undefined),
  });
  server.resetHandlers();
  // Every request the vendor got, so that a re-run starts once the vendor has finished with them.
  const inFlight = new Set<Promise<unknown>>();
  const tracked: VendorSimulator = {
    vendor: sim.vendor,
    basePath: sim.basePath ?? "",
    stats: () => sim.stats(),
    setFaults: (faults) => sim.setFaults(faults),
    handle(request) {
      const handled = sim.handle(request);
      const settled = handled.catch(() => undefined);
      inFlight.add(settled);
      void settled.finally(() => inFlight.delete(settled));
      return handled;
    },
  };
  const loopback = process.env.TRUTH_LOOPBACK ? await serveSimulator(tracked) : undefined;
  if (loopback === undefined) server.use(...simulatorHandlers(tracked, HOSTS[vendorName]));

  const waitMs = scenario.waitMs ?? 0;
  const wait = (ms: number) =>
    waitMs === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, waitMs)));
  const client = () =>
    vendor.createClient(simulatorSettings(vendor), {
      sleep: wait,
      retryBaseDelayMs: Math.max(1, waitMs),
      timeoutMs: TIMEOUT_MS,
      ...(loopback !== undefined && { baseUrl: loopback.url }),
    });
  const options = {
    chunkRecords: scenario.chunkRecords,
    concurrency: scenario.concurrency,
    replayDelayMs: waitMs,
    maxReplayDelayMs: waitMs,
    sleep: wait,
    pollIntervalMs: 1,
    maxPollIntervalMs: 1,
    conflictWaitMs: 1,
    ...(scenario.chunkAttempts !== undefined && { chunkAttempts: scenario.chunkAttempts }),
  };
  let journal: string | undefined;
  let first: ImportReport | undefined;
  if (scenario.abortAt !== undefined) {
    journal = join(tempDir("report-truth-"), "import.journal");
    first = await IMPORTERS[vendorName](client(), records, {
      ...options,
      journal,
      signal: controller.signal,
    });
    resumed = true;
    while (inFlight.size > 0) await Promise.all([...inFlight]);
    if (process.env.TRUTH_TRACE) console.log("JOURNAL1", readFileSync(journal, "utf8"));
  }
  const report = await IMPORTERS[vendorName](client(), records, {
    ...options,
    ...(journal !== undefined && { journal }),
  }).finally(() => loopback?.close());

  const problems: string[] = [];
  const { outcomes } = report;
  if (report.total !== records.length)
    problems.push(`total ${report.total} for ${records.length} records`);
  if (report.imported + report.failed + report.rejected !== records.length)
    problems.push(
      `imported ${report.imported} + failed ${report.failed} + rejected ${report.rejected} != ${records.length}`,
    );
  const byIndex = new Map<number, RecordOutcome[]>();
  for (const o of outcomes) byIndex.set(o.index, [...(byIndex.get(o.index) ?? []), o]);
  for (let i = 0; i < records.length; i++) {
    const n = byIndex.get(i)?.length ?? 0;
    if (n !== 1) problems.push(`record #${i} has ${n} outcomes`);
  }
  const stored = truth.stored(sim);
  const keys = records.map((_, i) => keyAt(i));
  const sharesKey = (i: number) => keys.filter((k) => k === keys[i]).length > 1;
  const certain = truth.certain;
  for (const o of outcomes) {
    const record = records[o.index]!;
    const held = stored.find(record);
    if (o.outcome === "imported") {
      if (held === undefined) problems.push(`#${o.index} ${o.key} reported imported, not stored`);
      else if (!sharesKey(o.index))
        for (const d of stored.differences(record, held))
          problems.push(`#${o.index} ${o.key} imported with other values: ${d}`);
    } else if (sharesKey(o.index)) {
      // Another record of the input has this key: what the vendor holds under it may be that record's.
    } else if (o.outcome === "failed" && held !== undefined && !certain(o.code)) {
      if (process.env.TRUTH_LOG !== undefined)
        appendFileSync(
          process.env.TRUTH_LOG,
          `${JSON.stringify({ vendor: vendorName, code: o.code, reason: o.reason, scenario })}\n`,
        );
      if (o.vendorMayHold !== true)
        problems.push(
          `#${o.index} ${o.key} reported failed [${o.code}] ${o.reason}, but the vendor stores it (and the outcome has no vendorMayHold)`,
        );
    } else if (o.outcome === "failed" && held !== undefined && certain(o.code)) {
      problems.push(
        `#${o.index} ${o.key} reported failed [${o.code}] ${o.reason}, but the vendor stores it`,
      );
    } else if (o.outcome === "rejected" && held !== undefined) {
      problems.push(`#${o.index} ${o.key} reported rejected, but the vendor stores it`);
    }
    if (o.outcome === "rejected" && !scenario.broken.includes(o.index))
      problems.push(`#${o.index} ${o.key} rejected [${o.rule}] though valid`);
    // After a fatal answer the engine reads on without validating (README: "every record not yet imported
    // ends as failed with code fatal"), so a broken record may end `failed`/`fatal` instead of `rejected`.
    const fatalInstead = o.outcome === "failed" && o.code === "fatal" && report.fatal !== undefined;
    if (o.outcome !== "rejected" && !fatalInstead && scenario.broken.includes(o.index))
      problems.push(`#${o.index} ${o.key} broken but ${o.outcome}`);
  }
  // A repeated key: the vendor gets the repeats in input order (README), so when the last record with the key
  // was imported, the vendor holds its values.
  for (const key of new Set(keys.filter((_, i) => sharesKey(i)))) {
    const last = keys.lastIndexOf(key);
    const lastOutcome = byIndex.get(last)?.[0];
    if (lastOutcome?.outcome !== "imported") continue;
    const held = stored.find(records[last]!);
    const differences = held === undefined ? [] : stored.differences(records[last]!, held, true);
    // README: a re-run that sends an earlier record again after the last one reached the vendor says so on
    // the last record; the vendor must then hold an earlier record's values, not another's.
    const overtaken =
      /may hold that record's values/.test(lastOutcome.warning ?? "") &&
      keys.some(
        (k, i) =>
          k === key &&
          i < last &&
          !scenario.broken.includes(i) &&
          held !== undefined &&
          stored.differences(records[i]!, held, true).length === 0,
      );
    if (!overtaken)
      for (const d of differences)
        problems.push(`#${last} ${key}, the last record with its key, imported but not last: ${d}`);
  }
  if (process.env.TRUTH_CONVERGE !== undefined)
    for (const o of outcomes)
      if (
        o.outcome === "failed" &&
        !certain(o.code) &&
        o.code !== "fatal" &&
        !(vendorName === "slashid" && /already exists/.test(o.reason))
      )
        problems.push(`did not converge: #${o.index} ${o.key} failed [${o.code}] ${o.reason}`);
  // No credential of the client, nor the access token the vendor issued, is in the report.
  const text = JSON.stringify({ report, first });
  for (const secret of [SIMULATOR_SECRETS.apiKey, SIMULATOR_SECRETS.clientSecret, "sim-token-"])
    if (text.includes(secret)) problems.push(`the report holds a secret (${secret.slice(0, 4)}…)`);
  const duplicates = sim.stats().duplicates;
  if (duplicates !== 0) problems.push(`simulator counts ${duplicates} duplicates`);
  const faulted =
    process.env.TRUTH_HARD !== undefined ||
    ((scenario.abortAt === undefined || process.env.TRUTH_ABORT === "2") &&
      Object.values(scenario.plan).some((actions) => actions.some((a) => a !== "none")));
  if (first !== undefined) {
    // Aborted: reading stops (README), so the first run reports the records it read.
    if (
      first.total > records.length ||
      first.imported + first.failed + first.rejected !== first.total
    )
      problems.push(`first run: counts do not add up (${JSON.stringify(first)})`);
    for (const o of first.outcomes)
      if (o.outcome === "imported" && stored.find(records[o.index]!) === undefined)
        problems.push(`first run: #${o.index} ${o.key} reported imported, not stored`);
  }
  if (!faulted) {
    for (const o of outcomes)
      if (
        o.outcome === "failed" &&
        !(
          refusedKeys.has(keyAt(o.index)) ||
          sharesKey(o.index) ||
          refusedTogether(vendorName, o, scenario, report)
        )
      )
        problems.push(`no fault, yet #${o.index} ${o.key} failed [${o.code}] ${o.reason}`);
  }
  if (process.env.TRUTH_TRACE && journal) console.log("JOURNAL2", readFileSync(journal, "utf8"));
  return { report, sim, records, problems, ...(first !== undefined && { first }) };
}

/** A Userpilot user fails with the job that carried a refused user. */
function refusedTogether(
  vendor: VendorName,
  o: RecordOutcome,
  scenario: Scenario,
  _report: ImportReport,
): boolean {
  return (
    vendor === "userpilot" &&
    o.outcome === "failed" &&
    o.code === "job_failed" &&
    scenario.refused.length > 0
  );
}

export const scenarioOf = (vendor: VendorName, maxFaults: number) =>
  fc
    .record({
      seed: fc.integer({ min: 1, max: 1_000_000 }),
      size: fc.integer({ min: 5, max: 30 }),
      broken: fc.uniqueArray(fc.integer({ min: 0, max: 29 }), { maxLength: 3 }),
      refused: fc.uniqueArray(fc.integer({ min: 0, max: 29 }), { maxLength: 3 }),
      chunkRecords: fc.integer({ min: 2, max: 10 }),
      concurrency: fc.integer({ min: 1, max: VENDOR_PROFILES[vendor].truth.maxConcurrency }),
      plan: fc.record(
        Object.fromEntries(
          VENDOR_PROFILES[vendor].truth.operations.map((op) => [
            op,
            fc
              .array(
                fc.oneof(
                  { weight: 3, arbitrary: fc.constant<Action>("none") },
                  {
                    weight: 2,
                    arbitrary: fc.constantFrom(
                      ...ACTIONS.slice(1).filter(
                        (a) =>
                          // A 401 stops the import: no run converges through it.
                          (a !== "auth401" ||
                            (process.env.TRUTH_AUTH !== "0" &&
                              process.env.TRUTH_CONVERGE === undefined)) &&
                          (a !== "late" || LATE),
                      ),
                    ),
                  },
                ),
                { maxLength: 14 },
              )
              .filter((a) => a.filter((x) => x !== "none").length <= maxFaults),
          ]),
        ) as Record<string, fc.Arbitrary<Action[]>>,
      ),
      repeats: fc.uniqueArray(fc.integer({ min: 1, max: 29 }), { maxLength: 2 }),
      variant: fc.integer({ min: 0, max: 8 }),
      // A quarter of the default runs too: only a chunk that runs out of attempts leaves a record the vendor may hold
      // failed at the end, which is where a dropped vendorMayHold mark shows.
      chunkAttempts:
        process.env.TRUTH_ATTEMPTS === "1"
          ? fc.integer({ min: 1, max: 3 })
          : process.env.TRUTH_ATTEMPTS === "0"
            ? fc.constant<number | undefined>(undefined)
            : fc.oneof(
                { weight: 3, arbitrary: fc.constant<number | undefined>(undefined) },
                { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) },
              ),
      abortAt: process.env.TRUTH_ABORT
        ? fc.integer({ min: 1, max: 25 })
        : fc.constant<number | undefined>(undefined),
      waitMs: process.env.TRUTH_WAIT
        ? fc.integer({ min: 0, max: 15 })
        : fc.constant<number | undefined>(undefined),
    })
    .map((s) => ({
      ...s,
      broken: s.broken.filter((i) => i < s.size),
      refused: s.refused.filter((i) => i < s.size),
      repeats: s.repeats.filter((i) => i < s.size),
    }));
