// What Userpilot import tests share: faker users with known ids, a client and an import run in which nothing
// waits for real, journals in temporary directories, and the checks every import must pass.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import { importUsers, type UserpilotImportOptions } from "../../src/userpilot/import.js";
import type { UserpilotUser } from "../../src/userpilot/validate.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { userpilotUser } from "../../src/testing/fixtures/userpilot.js";
import type { FakeUserpilot } from "./fake-userpilot.js";

/** `n` valid users with unique ids `u-0`…, faker metadata from a fixed seed. */
export function users(n: number, seed = "userpilot import"): UserpilotUser[] {
  const f = seededFaker(seed);
  return Array.from({ length: n }, (_, i) => ({ ...userpilotUser(f), user_id: `u-${i}` }));
}

/** The ids `u-<from>` … `u-<to - 1>`. */
export const ids = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `u-${from + i}`);

export const client = (apiKey = "up-test-key") =>
  createUserpilotClient({ apiKey, sleep: async () => {}, retryBaseDelayMs: 1 });

/** An import in which nothing waits for real; every requested wait (polls, conflicts, replays) is logged. */
export function run(
  records: UserpilotUser[],
  options: UserpilotImportOptions = {},
  apiKey?: string,
): Promise<ImportReport> & { waits: number[] } {
  const waits: number[] = [];
  const promise = importUsers(client(apiKey), records, {
    pollIntervalMs: 10,
    maxPollIntervalMs: 40,
    conflictWaitMs: 100,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...options,
  });
  return Object.assign(promise, { waits });
}

export function expectEveryRecordOnce(report: ImportReport, total: number) {
  expect(report.total).toBe(total);
  expect(report.imported + report.failed + report.rejected).toBe(total);
  expect(report.outcomes.map((o) => o.index)).toEqual(Array.from({ length: total }, (_, i) => i));
}

/** Users the report calls failed although Userpilot holds them: a report that lies about the vendor. */
export function failedButStored(report: ImportReport, fake: FakeUserpilot): string[] {
  return report.outcomes
    .filter((o) => o.outcome === "failed" && fake.stored.has(o.key))
    .map((o) => o.key);
}

const journalDirs: string[] = [];
afterAll(() => journalDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A journal path in a fresh temporary directory, removed after the file's tests. */
export function journalFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "userpilot-journal-"));
  journalDirs.push(dir);
  return path.join(dir, "journal.ndjson");
}
