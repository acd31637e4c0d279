// What a vendor stores is what the integrator gave, field by field, or the record is rejected with a reason
// naming it and the rule: never silently altered. Records of awkward values (leading zeros, text that reads
// as a number, a boolean or null, blanks at either end, NFC and NFD, astral and bidi characters, U+FEFF, a
// NUL, -0, 0.1, the largest safe integer, strings past a spec's limit, nested objects and arrays) are
// imported through `importUsers` and through the CLI's `.ndjson`, `.json` and typed-column `.csv` inputs
// into the simulators, which store what they receive. The report's key and id must name what was stored.
// What the vendors themselves change is left as README says: JSON has one zero (SlashID's list values with
// blanks around them are rejected, as a CSV cell's are trimmed when read). The per-format rules (numbers
// that would change, duplicate keys) have their own tests.
// Each vendor's records, its simulator and where that keeps them are in its test profile's `fidelity`.
import { readFileSync } from "node:fs";
import { stringify } from "csv-stringify/sync";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { RecordOutcome } from "../../src/core/engine/report.js";
import { simulatorHandlers } from "../../src/testing/msw.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";
import { simulatorSettings } from "../../src/vendor-module.js";
import { VENDOR_NAMES, vendorNamed, type VendorName } from "../../src/vendors.js";
import { SIMULATOR_ENV, FAST_POLL, cli, useServedSimulators, useTempDir } from "../cli/helpers.js";
import { IMPORTERS } from "../support/importers.js";
import { HOSTS, useMswServer } from "../support/msw.js";
import type { Rec } from "../support/stored-values.js";
import { VENDOR_PROFILES } from "../support/vendor-profiles.js";

const server = useMswServer();
const serve = useServedSimulators();
const file = useTempDir("bui-fidelity-");
const RUNS = { seed: 20_261_204, numRuns: 12 } as const;
/** Outcomes checked, by kind, and properties run: a generator that only ever makes rejected records fails. */
const checked = { imported: 0, rejected: 0, properties: 0 };

/** The key the report must give a record: its adapter's, as an integrator makes it. */
function keyOf(vendor: VendorName, record: Rec): string {
  const module = vendorNamed(vendor)!;
  const client = module.createClient(simulatorSettings(module), {});
  return module.createAdapter(client, {}).keyOf(record, 0);
}

/** The record as the vendor is documented to keep it: as JSON sends it. */
function asKept(record: Rec): Rec {
  return JSON.parse(JSON.stringify(record)) as Rec;
}

/** The stored fields the record gave, not an empty default the vendor shows for one it was not given. */
function given(stored: Rec, record: Rec): Rec {
  return Object.fromEntries(Object.keys(record).map((field) => [field, stored[field]]));
}

/** Checks one record's outcome against what the simulator holds. */
function expectKept(vendor: VendorName, sim: VendorSimulator, record: Rec, outcome: RecordOutcome) {
  const shown = JSON.stringify(record).slice(0, 300);
  expect(outcome.index, shown).toBe(0);
  const { fidelity } = VENDOR_PROFILES[vendor];
  const stored = fidelity.stored(sim, record);
  // Rejected, it would leave its values untried again.
  if (record === fidelity.everyText) expect(outcome.outcome, shown).toBe("imported");
  if (outcome.outcome === "rejected") {
    // Rejected: a rule, ours (`input.…`) or this vendor's own, a reason naming the record, and nothing stored.
    expect(outcome.rule, shown).toMatch(new RegExp(`^(input|${vendor})\\.[a-z_]+$`));
    expect(outcome.reason, shown).toMatch(/^record 0 \(/);
    expect(stored.fields, shown).toEqual({});
    checked.rejected += 1;
    return;
  }
  expect(outcome.outcome, `${shown}: ${"reason" in outcome ? outcome.reason : ""}`).toBe(
    "imported",
  );
  expect(outcome.key, shown).toBe(keyOf(vendor, record));
  expect(given(stored.fields, record), shown).toEqual(asKept(record));
  const id = outcome.outcome === "imported" ? outcome.id : undefined;
  expect(id === undefined ? undefined : String(id), shown).toBe(
    stored.id === undefined ? undefined : String(stored.id),
  );
  checked.imported += 1;
}

// Every vendor of src/vendors.ts: one added there without its test profile does not compile.
const VENDORS = VENDOR_NAMES;

function simulatorOf(vendor: VendorName) {
  return { module: vendorNamed(vendor)!, sim: VENDOR_PROFILES[vendor].fidelity.simulator() };
}

/** Asserts `property`, then that a third of its runs imported: checks of rejections alone prove nothing. */
async function assertImporting<Ts>(property: fc.IAsyncProperty<Ts>, examples: Ts[]): Promise<void> {
  const before = checked.imported;
  await fc.assert(property, { ...RUNS, examples });
  expect(checked.imported - before).toBeGreaterThan(RUNS.numRuns / 3);
  checked.properties += 1;
}

afterAll(() => {
  // Judged over the whole file only: one vendor's runs may reject nothing, and `-t` may run a few properties.
  if (checked.properties === VENDORS.length * 2)
    expect(checked.rejected).toBeGreaterThan(RUNS.numRuns);
});

describe.each(VENDORS)(
  "%s: importUsers stores each value as given, or rejects the record",
  (vendor) => {
    it("for records of awkward values", async () => {
      await assertImporting(
        fc.asyncProperty(VENDOR_PROFILES[vendor].fidelity.records, async (record) => {
          const { module, sim } = simulatorOf(vendor);
          server.resetHandlers(...simulatorHandlers(sim, HOSTS[vendor]));
          const client = module.createClient(simulatorSettings(module), {});
          const report = await IMPORTERS[vendor](client, [record], {
            pollIntervalMs: 1,
            maxPollIntervalMs: 1,
          });
          expect(report.outcomes).toHaveLength(1);
          expectKept(vendor, sim, record, report.outcomes[0]!);
        }),
        [[VENDOR_PROFILES[vendor].fidelity.everyText]],
      );
    });
  },
);

/** A leaf of a record: its dotted path and its value. */
function leaves(value: unknown, path: string, out: [string, unknown][]): [string, unknown][] {
  if (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value).length > 0
  )
    for (const [key, item] of Object.entries(value))
      leaves(item, path ? `${path}.${key}` : key, out);
  else out.push([path, value]);
  return out;
}

/**
 * One record as README's CSV: text in a plain column (or one typed `:string`), numbers `:number`, booleans
 * `:boolean`, the rest `:json`, and so an empty text, which an empty cell would leave out, `""` in `:json`.
 */
function csvOf(record: Rec, typed: boolean): string {
  const cells = leaves(record, "", []).map(([path, value]): [string, string] => {
    if (typeof value === "string" && value !== "") return [typed ? `${path}:string` : path, value];
    if (typeof value === "number" && !Object.is(value, -0))
      return [`${path}:number`, String(value)];
    if (typeof value === "boolean") return [`${path}:boolean`, String(value)];
    return [`${path}:json`, JSON.stringify(value)];
  });
  return stringify([cells.map(([header]) => header), cells.map(([, cell]) => cell)]);
}

const FORMATS = {
  ndjson: (record: Rec) => `${JSON.stringify(record)}\n`,
  json: (record: Rec) => JSON.stringify([record], null, 1),
  csv: (record: Rec) => csvOf(record, false),
  "string.csv": (record: Rec) => csvOf(record, true),
} as const;

let files = 0;

describe.each(VENDORS)("%s: the CLI's input formats store each value as given", (vendor) => {
  // SlashID's own CSV layout has its round trip in test/cli/csv-round-trip.test.ts.
  const formats = Object.keys(FORMATS).filter(
    (f) => vendor !== "slashid" || !f.endsWith("csv"),
  ) as (keyof typeof FORMATS)[];
  it(`for records of awkward values, as ${formats.join(", ")}`, async () => {
    await assertImporting(
      fc.asyncProperty(
        VENDOR_PROFILES[vendor].fidelity.records,
        fc.constantFrom(...formats),
        async (record, format) => {
          const { sim } = simulatorOf(vendor);
          const { url } = await serve(sim);
          const input = file(`in-${++files}.${format}`, FORMATS[format](record));
          const report = file(`report-${files}.ndjson`);
          const polls = vendorNamed(vendor)!.polls ? FAST_POLL : [];
          await cli(["import", vendor, input, "--base-url", url, "--report", report, ...polls], {
            env: SIMULATOR_ENV,
          });
          const outcomes = readFileSync(report, "utf8")
            .trim()
            .split("\n")
            .map((line) => JSON.parse(line) as RecordOutcome & { kind: string })
            .filter((line) => line.kind === "outcome");
          expect(outcomes).toHaveLength(1);
          expectKept(vendor, sim, record, outcomes[0]!);
        },
      ),
      formats.map((format) => [VENDOR_PROFILES[vendor].fidelity.everyText, format]),
    );
  });
});
