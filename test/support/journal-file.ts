// Import journals for tests, each in a fresh temporary directory removed after the test file.
import path from "node:path";
import { tempDir } from "./temp-dir.js";

/** A journal path in a fresh temporary directory named after `vendor`, removed after the file's tests. */
export function journalFile(vendor: string): string {
  return path.join(tempDir(`${vendor}-journal-`), "journal.ndjson");
}
