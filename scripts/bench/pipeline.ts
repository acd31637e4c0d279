// Pipeline benchmark (child process): FullStory validate + chunk + serialise, through the import engine with
// the real FullStory adapter, against chunk + JSON.stringify alone, over the same users (parsed anew for
// each pass).
import type { Chunk, ChunkResult, ImportAdapter } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import { createFullStoryAdapter } from "../../src/fullstory/adapter.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { validateFullStoryUser, type FullStoryUser } from "../../src/fullstory/validate.js";
import { readFile } from "node:fs/promises";
import { arg, collectGarbage, report, requiredArg } from "./child.js";
import { entry, median, round } from "./results.js";

const file = requiredArg("file");
const records = Number(requiredArg("records"));
const chunkRecords = Number(arg("chunk") ?? 10_000);
const reps = Number(arg("reps") ?? 3);

/**
 * The users as NDJSON lines, parsed anew before every timed pass: an import meets each record once, fresh
 * from its input, and V8 walks a fresh object's properties two to four times more slowly than one it has
 * walked before, so passes over the same objects would flatter validation.
 */
const lines = (await readFile(file, "utf8")).split("\n", records);
if (lines.length !== records || lines[records - 1] === "")
  throw new Error(`${file} holds ${lines.length} users, not ${records}`);
const fresh = (count = records): FullStoryUser[] =>
  lines.slice(0, count).map((line) => JSON.parse(line) as FullStoryUser);

/** What the bodies add up to, so neither side's work can be optimised away and both make the same bytes. */
let bodyChars = 0;

/** The baseline: cut the users into chunks and JSON.stringify each batch body. */
function baseline(input: readonly FullStoryUser[]): void {
  for (let at = 0; at < input.length; at += chunkRecords) {
    bodyChars += JSON.stringify({ requests: input.slice(at, at + chunkRecords) }).length;
  }
}

/**
 * The body the FullStory adapter hands its client for a chunk: the engine's per-record JSON joined when the
 * adapter has `serialize`, else `{ requests }` as the client's JSON.stringify makes it.
 */
function body(chunk: Chunk<FullStoryUser>): string {
  return chunk.serialized.length > 0
    ? `{"requests":[${chunk.serialized.join(",")}]}`
    : JSON.stringify({ requests: chunk.items });
}

const real = createFullStoryAdapter(
  // Never called: `send` is replaced below.
  createFullStoryClient({ apiKey: "unused", baseUrl: "http://127.0.0.1:9" }),
);
const imported = (chunk: Chunk<FullStoryUser>): ChunkResult => ({
  kind: "done",
  outcomes: chunk.items.map(() => ({ ok: true })),
});
/**
 * The real adapter (keys, validation; it has no `serialize`), with a send that only makes the request body.
 */
const pipeline: ImportAdapter<FullStoryUser, FullStoryUser> = {
  ...real,
  send: (chunk) => {
    bodyChars += body(chunk).length;
    return Promise.resolve(imported(chunk));
  },
};
/** The same without validation: what the engine itself costs. */
const unvalidated: ImportAdapter<FullStoryUser, FullStoryUser> = {
  ...pipeline,
  validate: (record) => ({ ok: true, item: record }),
};

async function ours(input: readonly FullStoryUser[], adapter = pipeline): Promise<void> {
  const result = await runImport(adapter, input, { chunkRecords, keepOutcomes: "problems" });
  if (result.imported !== input.length)
    throw new Error(`imported ${result.imported} of ${input.length}`);
}

function validateOnly(input: readonly FullStoryUser[]): void {
  let problems = 0;
  for (const user of input) problems += validateFullStoryUser(user).length;
  if (problems !== 0) throw new Error(`${problems} problems in valid users`);
}

/** Visits every property of every user and nothing more: the floor of any validator that reads each name. */
function walkOnly(input: readonly FullStoryUser[]): void {
  let count = 0;
  const walk = (value: unknown): void => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return;
    for (const key in value) {
      count += 1;
      walk((value as Record<string, unknown>)[key]);
    }
  };
  for (const user of input) walk(user);
  if (count === 0) throw new Error("no properties visited");
}

/**
 * The floor of a validator that reads each user's JSON text instead of walking it, and hands that text on as
 * the user's serialised form: JSON.stringify of each user alone, joined into the same batch bodies. Any
 * check of the text comes on top.
 */
function stringifyEach(input: readonly FullStoryUser[]): void {
  const texts = input.map((user) => JSON.stringify(user));
  for (let at = 0; at < texts.length; at += chunkRecords) {
    bodyChars += `{"requests":[${texts.slice(at, at + chunkRecords).join(",")}]}`.length;
  }
}

/**
 * A key a name rule could refuse (not a letter then letters, digits, `_` or `.`): a key is the only string
 * followed by `:`, and in JSON.stringify's text an unescaped quote after `{` or `,` opens one.
 */
const SUSPECT_KEY = /(?<![{,]"[A-Za-z][A-Za-z0-9_.]*)":/g;

/**
 * The cheapest text check: the baseline's one JSON.stringify per batch, then one native regex over each body
 * for keys that break the name rule (no other rule checked, no record located).
 */
function scanBatchText(input: readonly FullStoryUser[]): void {
  let suspects = 0;
  for (let at = 0; at < input.length; at += chunkRecords) {
    const text = JSON.stringify({ requests: input.slice(at, at + chunkRecords) });
    SUSPECT_KEY.lastIndex = 0;
    while (SUSPECT_KEY.exec(text) !== null) suspects += 1;
    bodyChars += text.length;
  }
  if (suspects !== 0) throw new Error(`${suspects} suspect keys in valid users`);
}

/** Times `run` over a fresh copy of the users, parsed and garbage collected before the clock starts. */
async function timed(
  run: (input: readonly FullStoryUser[]) => void | Promise<void>,
): Promise<number> {
  const input = fresh();
  collectGarbage();
  const started = performance.now();
  await run(input);
  return performance.now() - started;
}

// Warm up on a tenth, then alternate the sides so drift hits both alike.
const warm = fresh(Math.ceil(records / 10));
baseline(warm);
await ours(warm);
await ours(warm, unvalidated);
validateOnly(warm);
walkOnly(warm);
stringifyEach(warm);
scanBatchText(warm);

const samples = {
  baseline: [] as number[],
  ours: [] as number[],
  engine: [] as number[],
  validate: [] as number[],
  walk: [] as number[],
  stringifyEach: [] as number[],
  scanBatchText: [] as number[],
};
/** Characters of request bodies each side wrote in one pass: they must be the same bytes. */
const chars =
  (run: (input: readonly FullStoryUser[]) => void | Promise<void>) =>
  async (input: readonly FullStoryUser[]) => {
    const before = bodyChars;
    await run(input);
    return bodyChars - before;
  };
let written: { ours: number; baseline: number } | undefined;
for (let rep = 0; rep < reps; rep++) {
  const sides = [
    ["baseline", chars((input) => baseline(input))],
    ["ours", chars((input) => ours(input))],
  ] as const;
  const wrote: Record<string, number> = {};
  for (const [side, run] of rep % 2 === 0 ? sides : [...sides].reverse()) {
    samples[side].push(await timed(async (input) => void (wrote[side] = await run(input))));
  }
  written = { ours: wrote["ours"] ?? -1, baseline: wrote["baseline"] ?? -2 };
  if (written.ours !== written.baseline) {
    throw new Error(`bodies differ: ours ${written.ours} characters, baseline ${written.baseline}`);
  }
}
// What bounds the ratio, one pass each: the engine alone, validation alone, and visiting every property.
samples.engine.push(await timed((input) => ours(input, unvalidated)));
samples.validate.push(await timed(validateOnly));
samples.walk.push(await timed(walkOnly));
samples.stringifyEach.push(await timed(stringifyEach));
samples.scanBatchText.push(await timed(scanBatchText));

const b = median(samples.baseline);
const o = median(samples.ours);
report(
  entry({
    name: "pipeline",
    what: "FullStory validate + chunk + serialise (import engine, real adapter) vs chunk + JSON.stringify alone",
    records,
    ours: { label: "validate+chunk+serialise", value: round(o), unit: "ms" },
    baseline: { label: "chunk+JSON.stringify", value: round(b), unit: "ms" },
    target: { maxRatio: 1.25, text: "ratio ≤ 1.25" },
    figures: {
      oursMs: samples.ours.map((v) => round(v)),
      baselineMs: samples.baseline.map((v) => round(v)),
      engineWithoutValidationMs: samples.engine.map((v) => round(v)),
      validateOnlyMs: samples.validate.map((v) => round(v)),
      engineWithoutValidationRatio: round(median(samples.engine) / b, 3),
      validateOnlyShareOfBaseline: round(median(samples.validate) / b, 3),
      walkOnlyMs: samples.walk.map((v) => round(v)),
      walkOnlyShareOfBaseline: round(median(samples.walk) / b, 3),
      stringifyEachMs: samples.stringifyEach.map((v) => round(v)),
      stringifyEachShareOfBaseline: round(median(samples.stringifyEach) / b, 3),
      scanBatchTextMs: samples.scanBatchText.map((v) => round(v)),
      scanBatchTextShareOfBaseline: round(median(samples.scanBatchText) / b, 3),
      bodyCharactersPerPass: written?.ours ?? null,
    },
    settings: {
      chunkRecords,
      reps,
      statistic:
        "median of reps, sides alternated, garbage collected before each timed pass; engineWithoutValidation, validateOnly, walkOnly, stringifyEach and scanBatchText: one pass each",
      input:
        "an array of users parsed from the NDJSON lines before each timed pass (fresh objects, as an import meets them), the same for both sides",
      keepOutcomes: "problems",
      node: process.version,
    },
    notes: [
      "ours = runImport with createFullStoryAdapter's keyOf/validate (it has no serialize) and a send that only builds the request body the adapter hands its client",
      "engineWithoutValidation = the same with validation replaced by a pass-through; validateOnly = validateFullStoryUser over every user",
      "walkOnly = a for-in visit of every property of every user, nothing checked: the floor of any validator that must read every property name (FullStory's name rule applies at every level)",
      "stringifyEach = JSON.stringify of each user alone, joined into the same bodies: the floor of a text-based validator whose text becomes the body; scanBatchText = the baseline plus one regex over each body for keys breaking the name rule: the floor of checking text at all",
      "what bounds the ratio: on fresh objects, walkOnly alone costs most of what JSON.stringify (native code) does (walkOnlyShareOfBaseline), so a validator that must read every property name cannot fit in a 25% budget; about half of the engine's own share (engineWithoutValidationRatio) is the first read of each fresh record (its key)",
    ],
  }),
);
