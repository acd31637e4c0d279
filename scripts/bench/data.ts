// Seeded faker users for the benchmarks, written once to NDJSON files (streamed, so memory stays flat) and
// cached between runs under the system's temp directory, keyed by everything that decides their content.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, readFileSync, renameSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { once } from "node:events";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import type { SlashIdPerson } from "../../src/slashid/records.js";
import { personFromCsvRow } from "../../src/slashid/records.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { fullStoryUser } from "../../src/testing/fixtures/fullstory.js";
import { slashIdPerson } from "../../src/testing/fixtures/slashid.js";

/** The seed of every benchmark's data. */
export const SEED = 20_260_101;

const here = dirname(fileURLToPath(import.meta.url));
/** The build output this file is part of (it is <outDir>/scripts/bench/data.js once built). */
const BUILD = join(here, "..", "..");
/** The repository root (the build output directory sits in it). */
export const ROOT = join(BUILD, "..");

/**
 * Seeded FullStory batch users as the fixtures make them, with two changes so every record is importable
 * and counted once: no FullStory `id` (it must name an existing user) and a uid made unique by its index.
 */
export function* fullStoryUsers(count: number, seed = SEED): Generator<FullStoryUser> {
  const f = seededFaker(seed);
  for (let i = 0; i < count; i++) {
    const { id: _id, ...user } = fullStoryUser(f);
    yield { ...user, uid: `${(user.uid ?? "u").slice(0, 240)}-${i}` };
  }
}

/** Seeded SlashID persons (fixture rows read as persons), each with a unique first email. */
export function* slashIdPersons(count: number, seed = SEED): Generator<SlashIdPerson> {
  const f = seededFaker(seed);
  for (let i = 0; i < count; i++) {
    const person = personFromCsvRow(slashIdPerson(f));
    yield { ...person, emails: [`person.${i}@example.com`, ...(person.emails ?? [])] };
  }
}

/** Writes records as NDJSON, one line each, respecting the stream's backpressure. */
export async function writeNdjson(file: string, records: Iterable<unknown>): Promise<void> {
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  let buffer = "";
  for (const record of records) {
    buffer += `${JSON.stringify(record)}\n`;
    if (buffer.length >= 1 << 20) {
      if (!out.write(buffer)) await once(out, "drain");
      buffer = "";
    }
  }
  out.end(buffer);
  await once(out, "finish");
  renameSync(partial, file);
}

/** Reads up to `limit` records of an NDJSON file into memory. */
export async function readNdjson<T>(file: string, limit = Infinity): Promise<T[]> {
  const records: T[] = [];
  const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
  for await (const line of lines) {
    if (records.length >= limit) break;
    if (line !== "") records.push(JSON.parse(line) as T);
  }
  lines.close();
  return records;
}

/** What decides the generated data: the fixture and faker code, the seed and the generator above. */
function dataVersion(): string {
  const hash = createHash("sha256");
  for (const file of [
    "src/testing/fixtures/faker.js",
    "src/testing/fixtures/fullstory.js",
    "src/testing/fixtures/slashid.js",
    "src/slashid/records.js",
    "scripts/bench/data.js",
  ]) {
    hash.update(readFileSync(join(BUILD, file)));
  }
  hash.update(readFileSync(join(ROOT, "node_modules/@faker-js/faker/package.json")));
  return hash.update(String(SEED)).digest("hex").slice(0, 12);
}

/** The directory the data files are cached in. */
export function dataDir(): string {
  return join(tmpdir(), "bulk-user-import-bench");
}

/**
 * NDJSON files of `count` seeded records of `kind`, made now unless an identical one is cached. Returns the
 * path and whether it was made in this run (and how long that took).
 */
export async function dataFile(
  kind: "fullstory" | "slashid",
  count: number,
): Promise<{ file: string; generatedMs?: number }> {
  const dir = dataDir();
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${kind}-${count}-${dataVersion()}.ndjson`);
  if (existsSync(file)) return { file };
  const started = performance.now();
  await writeNdjson(file, kind === "fullstory" ? fullStoryUsers(count) : slashIdPersons(count));
  return { file, generatedMs: performance.now() - started };
}
