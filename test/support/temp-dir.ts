// Temporary directories for tests, each removed after the test file that made it. Test files share their
// worker's modules (vitest.config.ts): a helper evaluates once per worker, so an `afterAll` it registered at
// its top level would run after the first file only. The setup file removes them after every file instead.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const made: string[] = [];

/** A fresh directory `<prefix>XXXXXX` under the system's temporary one, removed after the test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes the directories {@link tempDir} made so far: the setup file calls it after each test file. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
