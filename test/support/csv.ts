// A small RFC 4180 CSV reader and writer for the tests: SlashID's `persons` part, its template and its
// `failed_csv`. Strict on purpose: an unterminated quote, a stray quote or a ragged row is an error.

/** Parses CSV text into rows of cells. Accepts LF or CRLF line ends and an optional final line end. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  let i = 0;
  let cellStarted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        const next = text[i];
        if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
          throw new Error(
            `CSV: unexpected character ${JSON.stringify(next)} after a closing quote`,
          );
        }
        continue;
      }
      cell += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      if (cell !== "") throw new Error("CSV: quote inside an unquoted cell");
      quoted = true;
      cellStarted = true;
      i++;
    } else if (ch === ",") {
      row.push(cell);
      cell = "";
      cellStarted = true;
      i++;
    } else if (ch === "\n" || ch === "\r") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      cellStarted = false;
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
    } else {
      cell += ch;
      cellStarted = true;
      i++;
    }
  }
  if (quoted) throw new Error("CSV: unterminated quoted cell");
  if (cellStarted || cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  const width = rows[0]?.length ?? 0;
  rows.forEach((r, index) => {
    if (r.length !== width) {
      throw new Error(`CSV: line ${index + 1} has ${r.length} cells, the header has ${width}`);
    }
  });
  return rows;
}

/**
 * Parses CSV with a header line into one object per row, keyed by header; an empty cell is an absent key
 * (SlashID's rule). Duplicate or empty header names are errors.
 */
export function parseCsvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (header === undefined) throw new Error("CSV: no header line");
  const seen = new Set<string>();
  for (const name of header) {
    if (name === "") throw new Error("CSV: empty column name in the header");
    if (seen.has(name)) throw new Error(`CSV: duplicate column ${name}`);
    seen.add(name);
  }
  return rows.map((cells) => {
    const record: Record<string, string> = {};
    header.forEach((name, i) => {
      const value = cells[i] ?? "";
      if (value !== "") record[name] = value;
    });
    return record;
  });
}

/** Writes records as CSV with every cell quoted, under the given columns (LF line ends). */
export function formatCsv(
  columns: readonly string[],
  records: readonly Record<string, string | undefined>[],
): string {
  const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;
  const lines = [columns.map(quote).join(",")];
  for (const record of records) lines.push(columns.map((c) => quote(record[c] ?? "")).join(","));
  return `${lines.join("\n")}\n`;
}
