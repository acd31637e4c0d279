// What every benchmark reports, how results are compared with their targets, and the printed table.

/** A figure: a number with its unit, or a note. */
export type Figure = number | string | boolean | null | readonly number[];

export interface Target {
  /** ours / baseline must be at most this. */
  readonly maxRatio: number;
  /** The target as the issue words it. */
  readonly text: string;
}

/** One benchmark's result, as written to bench-results.json. */
export interface BenchEntry {
  readonly name: string;
  readonly what: string;
  /** Records in the measured run(s). */
  readonly records: number;
  readonly ours: { readonly label: string; readonly value: number; readonly unit: string };
  readonly baseline: { readonly label: string; readonly value: number; readonly unit: string };
  /** ours.value / baseline.value, rounded to 3 decimals. */
  readonly ratio: number;
  readonly target: Target;
  readonly holds: boolean;
  /** Every figure measured (samples, breakdowns, checks), units in the names. */
  readonly figures: Readonly<Record<string, Figure>>;
  /** How it was measured: sizes, chunking, poll settings, node flags. */
  readonly settings: Readonly<Record<string, Figure>>;
  readonly notes: readonly string[];
}

export function entry(fields: Omit<BenchEntry, "ratio" | "holds">): BenchEntry {
  const ratio = round(fields.ours.value / fields.baseline.value, 3);
  return { ...fields, ratio, holds: ratio <= fields.target.maxRatio };
}

export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of nothing");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function show(value: number, unit: string): string {
  if (unit === "ms")
    return value >= 10_000 ? `${round(value / 1000, 1)} s` : `${Math.round(value)} ms`;
  if (unit === "MiB") return `${round(value, 1)} MiB`;
  return `${round(value, 2)} ${unit}`;
}

/** The results as a text table. */
export function table(entries: readonly BenchEntry[]): string {
  const rows = [
    ["benchmark", "records", "ours", "baseline", "ratio", "target", "holds"],
    ...entries.map((e) => [
      e.name,
      e.records.toLocaleString("en-US"),
      `${show(e.ours.value, e.ours.unit)} (${e.ours.label})`,
      `${show(e.baseline.value, e.baseline.unit)} (${e.baseline.label})`,
      e.ratio.toFixed(3),
      `≤ ${e.target.maxRatio}`,
      e.holds ? "yes" : "NO",
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: readonly string[]) =>
    r
      .map((cell, c) => (c === 1 || c === 4 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join("  ");
  return [
    line(rows[0]!),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.slice(1).map(line),
  ].join("\n");
}

/** A process's peak RSS at one input size. */
interface PeakRss {
  readonly records: number;
  readonly maxRssKiB: number;
}

/**
 * The sides and target of a memory benchmark: peak RSS at the large size against the small one, which must
 * stay within 1.2× (`what` says whose memory is flat in the input size).
 */
export function peakRssSides(small: PeakRss, big: PeakRss, what: string) {
  const mib = (kib: number) => round(kib / 1024, 1);
  const side = (run: PeakRss) => ({
    label: `peak RSS, ${run.records.toLocaleString("en-US")}`,
    value: mib(run.maxRssKiB),
    unit: "MiB",
  });
  return {
    records: big.records,
    ours: side(big),
    baseline: side(small),
    target: { maxRatio: 1.2, text: `1M/100k ≤ 1.2 (${what} flat in the input size)` },
  };
}
