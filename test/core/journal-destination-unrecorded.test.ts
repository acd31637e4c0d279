// A journal's outcomes say what one destination holds. One that recorded no destination (an adapter without
// one, or an earlier version) says nothing of a run that has one, nor the other way round: either is refused
// before anything is sent, or a fresh destination would be reported from another one's outcomes.
import { describe, expect, it } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import { JournalError } from "../../src/core/engine/journal.js";
import { journalFile } from "../support/journal-file.js";
import { importEvery, testAdapter } from "../support/test-adapter.js";

const users = [{ id: "a" }, { id: "b" }];
const DESTINATION = "https://vendor.test|account-1";

/** Runs with and then without a destination (or the other way round); the second run's result and sends. */
async function secondRun(first: string | undefined, second: string | undefined) {
  const journal = journalFile("destination");
  let sends = 0;
  const adapter = (destination: string | undefined) =>
    testAdapter<{ id: string }>(
      (chunk) => {
        sends += 1;
        return importEvery(chunk);
      },
      destination === undefined ? {} : { destination },
    );
  expect((await runImport(adapter(first), users, { journal })).imported).toBe(2);
  sends = 0;
  const result = await runImport(adapter(second), users, { journal }).catch((e: unknown) => e);
  return { result, sends };
}

describe("a journal and a run of which only one recorded a destination", () => {
  it("a journal without one is refused by a run that has one", async () => {
    const { result, sends } = await secondRun(undefined, DESTINATION);
    expect(result).toBeInstanceOf(JournalError);
    expect((result as Error).message).toContain("an unrecorded destination");
    expect(sends).toBe(0);
  });

  it("a journal with one is refused by a run without one", async () => {
    const { result, sends } = await secondRun(DESTINATION, undefined);
    expect(result).toBeInstanceOf(JournalError);
    expect(sends).toBe(0);
  });
});
