// SlashID placement benchmark (child process): how long the adapter takes to tell, from SlashID's failed_csv,
// which person each refused row is, for one file of persons who all share a phone number (a switchboard, a
// household) and all of whom SlashID refused, against parsing the same failed_csv and finding each row's
// person by its email in a Map (what an exact echo alone would need). Placement once walked, for each row,
// every person holding the shared number: 10,000 such rows took ~40 s.
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { createSlashIdAdapter } from "../../src/slashid/adapter.js";
import type { SlashIdClient } from "../../src/slashid/client.js";
import type { SlashIdCsvRow } from "../../src/slashid/records.js";
import { idleContext } from "./chunk-context.js";
import { arg, collectGarbage, report } from "./child.js";
import { entry, median, round } from "./results.js";

const rows = Number(arg("rows") ?? 10_000);
const reps = Number(arg("reps") ?? 5);

const PHONE = "+13475043201";
const items: SlashIdCsvRow[] = Array.from({ length: rows }, (_, i) => ({
  "slashid:emails": `person.${i}@example.com`,
  "slashid:phone_numbers": PHONE,
  "slashid:region": "us-iowa",
}));
/** One person written `rows` times (the same handles), as a careless export may hold them. */
const samePerson: SlashIdCsvRow[] = items.map((item) => ({
  ...item,
  "slashid:emails": "person@example.com",
}));

/** failed_csv listing every row, last first; `echoed`: the rows as sent, else with a cell SlashID changed. */
function failedCsv(items: readonly SlashIdCsvRow[], echoed: boolean): string {
  const listed = [...items].reverse().map((item) => ({
    ...item,
    ...(echoed ? {} : { "slashid:region": "europe-belgium" }),
    reason: "phone number belongs to another person",
  }));
  return stringify(listed, { header: true });
}

type Upload = SlashIdClient["bulkImportPersons"];
function adapterAnswering(failed_csv: string) {
  const upload = (() =>
    Promise.resolve({
      ok: true,
      status: 200,
      data: { result: { successful_imports: 0, failed_imports: rows, failed_csv } },
      headers: {},
    })) as unknown as Upload;
  return createSlashIdAdapter({ bulkImportPersons: upload } as unknown as SlashIdClient);
}

/** Ours: the adapter's send, which writes the file and places every row SlashID listed. */
async function ours(name: Case): Promise<number> {
  const { items, text } = cases[name];
  const adapter = adapterAnswering(text);
  const keys = items.map((item) => item["slashid:emails"] ?? "");
  const started = performance.now();
  const result = await adapter.send({ seq: 0, items, serialized: [], keys }, idleContext);
  const ms = performance.now() - started;
  // Every person refused, each by the row SlashID listed for it: a placement that is fast but wrong fails.
  if (
    result.kind !== "done" ||
    result.outcomes.some((o) => o.ok || o.code !== "rejected_by_vendor")
  )
    throw new Error("not every person was placed as refused");
  return ms;
}

/** Baseline: parse the failed_csv and find each row's person by its email. */
function baseline(): number {
  const started = performance.now();
  const byEmail = new Map(items.map((item, at) => [item["slashid:emails"], at]));
  const listed = parse<Record<string, string>>(cases.echoed.text, { columns: true, bom: true });
  const placed = new Uint8Array(rows);
  for (const row of listed) {
    const at = byEmail.get(row["slashid:emails"] ?? "");
    if (at !== undefined) placed[at] = 1;
  }
  const ms = performance.now() - started;
  if (placed.some((p) => p === 0)) throw new Error("baseline: a row without its person");
  return ms;
}

const cases = {
  echoed: { items, text: failedCsv(items, true) },
  changedCell: { items, text: failedCsv(items, false) },
  samePerson: { items: samePerson, text: failedCsv(samePerson, false) },
};
type Case = keyof typeof cases;
const names = Object.keys(cases) as Case[];
for (const name of names) await ours(name);
baseline();
const samples: Record<Case | "baseline", number[]> = {
  echoed: [],
  changedCell: [],
  samePerson: [],
  baseline: [],
};
for (let rep = 0; rep < reps; rep++) {
  collectGarbage();
  samples.baseline.push(baseline());
  for (const name of names) {
    collectGarbage();
    samples[name].push(await ours(name));
  }
}

const b = median(samples.baseline);
const worst = Math.max(...names.map((name) => median(samples[name])));
report(
  entry({
    name: "slashid-placement",
    what: "SlashID: placing a failed_csv that refuses every person of a file sharing one phone number (the adapter's send, rows echoed as sent or with a cell changed, or one person written every time; the slowest) vs parsing it and finding each row's person by email",
    records: rows,
    ours: { label: "SlashID adapter", value: round(worst), unit: "ms" },
    baseline: { label: "csv-parse + Map", value: round(b), unit: "ms" },
    target: { maxRatio: 10, text: "≤ 10 (linear, not quadratic, in the persons sharing a handle)" },
    figures: {
      echoedMs: samples.echoed.map((v) => round(v)),
      changedCellMs: samples.changedCell.map((v) => round(v)),
      samePersonMs: samples.samePerson.map((v) => round(v)),
      baselineMs: samples.baseline.map((v) => round(v)),
    },
    settings: {
      rows,
      reps,
      file: "every person: its own email, one shared phone number, a region; failed_csv lists them all, last first",
      statistic: "median of reps, garbage collected before each timed pass",
      node: process.version,
    },
    notes: [
      "ours includes writing the uploaded file (csv-stringify), which the baseline does not",
      "changedCell: SlashID's echo differs from the sent row in a cell, so rows are placed by the handles they share (the email, then the phone number every person has)",
      "samePerson: every row is one person (the same email and phone number), echoed with a changed cell",
    ],
  }),
);
