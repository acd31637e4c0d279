// CSV benchmark (child process): SlashID's CSV writing (the adapter's send: the file of rows it uploads, and
// the outcomes it reads back) against csv-stringify writing the same rows with the same options. Also
// measured, as figures: the same from persons (each checked and turned into its row by the adapter's validate
// first), and through the import engine.
import { stringify } from "csv-stringify/sync";
import { runImport } from "../../src/core/engine/engine.js";
import { createSlashIdAdapter } from "../../src/slashid/adapter.js";
import type { SlashIdClient } from "../../src/slashid/client.js";
import {
  SLASHID_CONFIRMED_COLUMNS,
  type SlashIdCsvRow,
  type SlashIdPerson,
} from "../../src/slashid/records.js";
import { idleContext } from "./chunk-context.js";
import { arg, collectGarbage, report, requiredArg } from "./child.js";
import { readNdjson } from "./data.js";
import { entry, median, round } from "./results.js";

const file = requiredArg("file");
const records = Number(requiredArg("records"));
const chunkRecords = Number(arg("chunk") ?? 1000);
const reps = Number(arg("reps") ?? 3);

const persons = await readNdjson<SlashIdPerson>(file, records);
if (persons.length !== records)
  throw new Error(`${file} holds ${persons.length} persons, not ${records}`);

let csvChars = 0;
let rowsInFile = 0;
type Upload = SlashIdClient["bulkImportPersons"];
/** A client that takes the file the adapter wrote and answers that every person was imported. */
const upload = ((init: Parameters<Upload>[0]) => {
  csvChars += String(init.body.persons).length;
  return Promise.resolve({
    ok: true,
    status: 200,
    data: { result: { successful_imports: rowsInFile, failed_imports: 0 } },
    headers: {},
  });
}) as unknown as Upload;
const adapter = createSlashIdAdapter({ bulkImportPersons: upload } as unknown as SlashIdClient);

/** Files of `chunkRecords` rows, as the adapter sends them (keys are only for messages). */
function files(items: readonly SlashIdCsvRow[]): { items: SlashIdCsvRow[]; keys: string[] }[] {
  const out: { items: SlashIdCsvRow[]; keys: string[] }[] = [];
  for (let at = 0; at < items.length; at += chunkRecords) {
    const slice = items.slice(at, at + chunkRecords);
    out.push({ items: slice, keys: slice.map((_, i) => `#${at + i}`) });
  }
  return out;
}

async function send(seq: number, items: SlashIdCsvRow[], keys: string[]): Promise<void> {
  rowsInFile = items.length;
  const result = await adapter.send({ seq, items, serialized: [], keys }, idleContext);
  if (result.kind !== "done" || result.outcomes.some((o) => !o.ok)) throw new Error("not imported");
}

/** Ours: the adapter writes and uploads each file of the ready rows. */
async function ours(): Promise<void> {
  for (const [seq, file] of prepared.entries()) await send(seq, file.items, file.keys);
}

/** Ours from persons: each person through the adapter's validate (its row), then each file through send. */
async function fromPersons(): Promise<void> {
  for (let at = 0, seq = 0; at < persons.length; at += chunkRecords, seq++) {
    const items: SlashIdCsvRow[] = [];
    const keys: string[] = [];
    for (let i = at; i < Math.min(at + chunkRecords, persons.length); i++) {
      const checked = adapter.validate(persons[i]!);
      if (!checked.ok) throw new Error(`person ${i}: ${checked.problems[0]?.message ?? "invalid"}`);
      items.push(checked.item);
      keys.push(adapter.keyOf(persons[i]!, i));
    }
    await send(seq, items, keys);
  }
}

/** The same through the import engine (reading, keys, outcomes and report included). */
async function engine(): Promise<void> {
  rowsInFile = chunkRecords;
  const result = await runImport(adapter, persons, { chunkRecords, keepOutcomes: "problems" });
  if (result.imported !== persons.length) throw new Error(`engine: ${result.imported} imported`);
}

// The rows: the very rows the adapter makes of the persons, built before the clocks start.
const rows = persons.map((person) => {
  const checked = adapter.validate(person);
  if (!checked.ok) throw new Error("invalid person");
  return checked.item;
});
const prepared = files(rows);
const columns = [...SLASHID_CONFIRMED_COLUMNS];
if (rows.some((r) => r["slashid:roles"] !== undefined || r["slashid:password"] !== undefined)) {
  throw new Error(
    "the fixture persons have no roles or passwords; the baseline writes the six confirmed columns",
  );
}

function baseline(): void {
  for (let at = 0; at < rows.length; at += chunkRecords) {
    csvChars += stringify(rows.slice(at, at + chunkRecords), {
      header: true,
      columns,
      quoted: true,
    }).length;
  }
}

async function timed(run: () => void | Promise<void>): Promise<{ ms: number; chars: number }> {
  collectGarbage();
  const before = csvChars;
  const started = performance.now();
  await run();
  return { ms: performance.now() - started, chars: csvChars - before };
}

// Warm up on a tenth of the files.
for (const [seq, file] of prepared.slice(0, Math.ceil(prepared.length / 10)).entries()) {
  await send(seq, file.items, file.keys);
  stringify(file.items, { header: true, columns, quoted: true });
}
const samples = { ours: [] as number[], baseline: [] as number[] };
let chars = 0;
for (let rep = 0; rep < reps; rep++) {
  const sides = [
    ["baseline", baseline],
    ["ours", ours],
  ] as const;
  const wrote: number[] = [];
  for (const [side, run] of rep % 2 === 0 ? sides : [...sides].reverse()) {
    const { ms, chars: written } = await timed(run);
    samples[side].push(ms);
    wrote.push(written);
  }
  if (wrote[0] !== wrote[1])
    throw new Error(`the CSV texts differ in length: ${wrote.join(" vs ")}`);
  chars = wrote[0] ?? 0;
}
const persons1 = await timed(fromPersons);
if (persons1.chars !== chars) throw new Error("from persons, the adapter wrote other CSV");
const engine1 = await timed(engine);

const b = median(samples.baseline);
report(
  entry({
    name: "csv",
    what: "SlashID CSV writing (the adapter's send: rows → uploaded file → outcomes) vs csv-stringify writing the same rows",
    records,
    ours: { label: "SlashID adapter", value: round(median(samples.ours)), unit: "ms" },
    baseline: { label: "csv-stringify", value: round(b), unit: "ms" },
    target: { maxRatio: 1.1, text: "≤ 1.1" },
    figures: {
      oursMs: samples.ours.map((v) => round(v)),
      baselineMs: samples.baseline.map((v) => round(v)),
      fromPersonsMs: round(persons1.ms),
      fromPersonsRatio: round(persons1.ms / b, 3),
      throughImportEngineMs: round(engine1.ms),
      throughImportEngineRatio: round(engine1.ms / b, 3),
      csvCharactersPerPass: chars,
    },
    settings: {
      rowsPerFile: chunkRecords,
      reps,
      csvOptions:
        "header, the six confirmed slashid:* columns, every cell quoted (csv-stringify 6.9.0, sync API)",
      statistic:
        "median of reps, sides alternated, garbage collected before each timed pass; fromPersons and throughImportEngine: one pass each",
      node: process.version,
    },
    notes: [
      "ours = createSlashIdAdapter's send, with a client that only takes the CSV file and answers that every person was imported; both sides write the same rows (built by the adapter's validate before the clocks start), and the texts are checked to match",
      "fromPersons = the adapter from persons: validate (checks each person and builds its cells), then send",
      "throughImportEngine = fromPersons through runImport (reading, keys, chunking, outcomes, report)",
    ],
  }),
);
