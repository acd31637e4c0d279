// Pipeline benchmark (child process): FullStory validate + chunk + serialise, through the import engine with
// the real FullStory adapter, against chunk + JSON.stringify alone, over the same users held in memory.
import type { Chunk, ChunkResult, ImportAdapter } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import { createFullStoryAdapter } from "../../src/fullstory/adapter.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { validateFullStoryUser, type FullStoryUser } from "../../src/fullstory/validate.js";
import { arg, collectGarbage, report, requiredArg } from "./child.js";
import { readNdjson } from "./data.js";
import { entry, median, round } from "./results.js";

const file = requiredArg("file");
const records = Number(requiredArg("records"));
const chunkRecords = Number(arg("chunk") ?? 10_000);
const reps = Number(arg("reps") ?? 3);

const users = await readNdjson<FullStoryUser>(file, records);
if (users.length !== records)
  throw new Error(`${file} holds ${users.length} users, not ${records}`);

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
/** The real adapter (keys, validation, serialisation), with a send that only makes the request body. */
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

async function timed(run: () => void | Promise<void>): Promise<number> {
  collectGarbage();
  const started = performance.now();
  await run();
  return performance.now() - started;
}

// Warm up on a tenth, then alternate the sides so drift hits both alike.
const warm = users.slice(0, Math.ceil(records / 10));
baseline(warm);
await ours(warm);
await ours(warm, unvalidated);
validateOnly(warm);

const samples = {
  baseline: [] as number[],
  ours: [] as number[],
  engine: [] as number[],
  validate: [] as number[],
};
/** Characters of request bodies each side wrote in one pass: they must be the same bytes. */
const chars = (run: () => void | Promise<void>) => async () => {
  const before = bodyChars;
  await run();
  return bodyChars - before;
};
let written: { ours: number; baseline: number } | undefined;
for (let rep = 0; rep < reps; rep++) {
  const sides = [
    ["baseline", chars(() => baseline(users))],
    ["ours", chars(() => ours(users))],
  ] as const;
  const wrote: Record<string, number> = {};
  for (const [side, run] of rep % 2 === 0 ? sides : [...sides].reverse()) {
    samples[side].push(await timed(async () => void (wrote[side] = await run())));
  }
  written = { ours: wrote["ours"] ?? -1, baseline: wrote["baseline"] ?? -2 };
  if (written.ours !== written.baseline) {
    throw new Error(`bodies differ: ours ${written.ours} characters, baseline ${written.baseline}`);
  }
}
// What bounds the ratio, one pass each: the engine alone, and validation alone.
samples.engine.push(await timed(() => ours(users, unvalidated)));
samples.validate.push(await timed(() => validateOnly(users)));

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
      bodyCharactersPerPass: written?.ours ?? null,
    },
    settings: {
      chunkRecords,
      reps,
      statistic:
        "median of reps, sides alternated, garbage collected before each timed pass; engineWithoutValidation and validateOnly: one pass each",
      input: "users held in memory (an array), as both sides read them",
      keepOutcomes: "problems",
      node: process.version,
    },
    notes: [
      "ours = runImport with createFullStoryAdapter's keyOf/validate/serialize and a send that only builds the request body the adapter hands its client",
      "engineWithoutValidation = the same with validation replaced by a pass-through; validateOnly = validateFullStoryUser over every user",
    ],
  }),
);
