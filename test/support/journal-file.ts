// Import journals for tests, each in a fresh temporary directory removed after the test file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A journal path in a fresh temporary directory named after `vendor`, removed after the file's tests. */
export function journalFile(vendor: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `${vendor}-journal-`));
  dirs.push(dir);
  return path.join(dir, "journal.ndjson");
}
