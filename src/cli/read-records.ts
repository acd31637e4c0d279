import { createReadStream } from "node:fs";
import { extname } from "node:path";
import { createInterface } from "node:readline";
import { JSONParser } from "@streamparser/json";
import { parse as parseCsv } from "csv-parse";

/** An input record that could not be read; the import rejects it with `input.parse`, naming where it was. */
export class UnreadableRecord {
  constructor(
    readonly where: string,
    readonly problem: string,
  ) {}
}

export type InputFormat = "ndjson" | "json" | "csv";

export function formatOf(file: string): InputFormat | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === ".ndjson" || ext === ".jsonl") return "ndjson";
  if (ext === ".json") return "json";
  if (ext === ".csv") return "csv";
  return undefined;
}

/** Reads a file's records one at a time, so memory stays flat whatever the file's size. */
export function readRecords(file: string, format: InputFormat): AsyncIterable<unknown> {
  if (format === "ndjson") return readNdjson(file);
  if (format === "json") return readJsonArray(file);
  return readCsv(file);
}

async function* readNdjson(file: string): AsyncGenerator<unknown> {
  const lines = createInterface({ input: createReadStream(file, "utf8"), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n += 1;
    if (line.trim() === "") continue;
    try {
      yield JSON.parse(line);
    } catch (error) {
      yield new UnreadableRecord(`line ${n}`, error instanceof Error ? error.message : "not JSON");
    }
  }
}

async function* readJsonArray(file: string): AsyncGenerator<unknown> {
  const parser = new JSONParser({ paths: ["$.*"], keepStack: false });
  const ready: unknown[] = [];
  parser.onValue = ({ value }) => {
    ready.push(value);
  };
  let failure: Error | undefined;
  parser.onError = (error) => {
    failure = error;
  };
  let checkedRoot = false;
  for await (const chunk of createReadStream(file)) {
    if (!checkedRoot) {
      // `$.*` would also stream an object's members: only an array of records is accepted.
      const first = (chunk as Buffer)
        .toString("utf8")
        .replace(/^\uFEFF/, "")
        .trimStart()[0];
      if (first === undefined) continue;
      if (first !== "[")
        throw new Error(`${file}: not a JSON array of records (it starts with ${first})`);
      checkedRoot = true;
    }
    if (failure === undefined) parser.write(chunk as Uint8Array);
    yield* ready.splice(0);
    if (failure !== undefined) break;
  }
  // Without end(), a file cut off part-way reads as the records it had, silently.
  if (failure === undefined && !parser.isEnded) parser.end();
  yield* ready.splice(0);
  // A broken file stops reading where it breaks: what came before is imported, the rest is named in the error.
  if (failure !== undefined)
    throw new Error(`${file}: not a JSON array of records: ${failure.message}`);
}

async function* readCsv(file: string): AsyncGenerator<unknown> {
  const rows = createReadStream(file).pipe(
    parseCsv({ columns: true, bom: true, skip_empty_lines: true }),
  );
  for await (const row of rows) yield row as Record<string, string>;
}

/**
 * A CSV row with field names as headers, as a record: dotted headers (`properties.plan`) build nested
 * objects, empty cells are left out, and values stay strings.
 */
export function recordFromCsvRow(row: Record<string, string>): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [header, value] of Object.entries(row)) {
    if (value === "") continue;
    const path = header.split(".");
    let target = record;
    for (const segment of path.slice(0, -1)) {
      const next = target[segment];
      if (next === null || typeof next !== "object") target[segment] = {};
      target = target[segment] as Record<string, unknown>;
    }
    target[path[path.length - 1]!] = value;
  }
  return record;
}
