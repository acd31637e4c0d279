// A run stopped by a callback's throw rejects with the error that stopped it: a later throw of another
// callback, while what was in flight settles, does not replace it.
import { describe, expect, it } from "vitest";
import type { ChunkResult } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import { testAdapter } from "../support/test-adapter.js";

type User = { id: string };
const users = (n: number): User[] => Array.from({ length: n }, (_, i) => ({ id: `u${i}` }));

describe("two callbacks that throw, one after the other", () => {
  it("the run rejects with the first one's error", async () => {
    const adapter = testAdapter<User>((chunk) =>
      Promise.resolve<ChunkResult>({
        kind: "done",
        outcomes: chunk.keys.map(() => ({ ok: true })),
      }),
    );
    let outcomeThrew = false;
    let progressThrew = false;

    const run = runImport(adapter, users(3), {
      chunkRecords: 1,
      onOutcome: () => {
        outcomeThrew = true;
        throw new Error("the outcome sink is full");
      },
      onProgress: () => {
        if (!outcomeThrew) return;
        progressThrew = true;
        throw new Error("the progress sink is closed");
      },
    });

    await expect(run).rejects.toThrow("the outcome sink is full");
    // The second callback did throw: its error is not the one the run names.
    expect(progressThrew).toBe(true);
  });
});
