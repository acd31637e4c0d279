// The engine's own options are refused like every numeric option (a RangeError naming the option, its
// range and the value) before anything is read or sent, rather than misbehave silently for the whole run.
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import type { ImportAdapter } from "../../src/core/engine/adapter.js";
import { runImport, type ImportOptions } from "../../src/core/engine/engine.js";

interface User {
  id: string;
  email: string;
}

function vendor() {
  const sent: string[][] = [];
  const adapter: ImportAdapter<User> = {
    vendor: "test",
    replay: { by: "none", why: "the test vendor could import twice" },
    limits: { maxRecords: 100 },
    defaults: { chunkRecords: 10, concurrency: 1 },
    keyOf: (user) => user.id,
    validate: (user) =>
      user.email.includes("@")
        ? { ok: true, item: user }
        : { ok: false, problems: [{ rule: "test.email", message: "email: not an address" }] },
    scrub: (text) => text,
    send: (chunk) => {
      sent.push([...chunk.keys]);
      return Promise.resolve({ kind: "done", outcomes: chunk.items.map(() => ({ ok: true })) });
    },
  };
  return { adapter, sent };
}

const users = (): User[] => [
  { id: "u0", email: faker.internet.email() },
  { id: "u1", email: "not an address" },
];

describe("progressEvery", () => {
  it.each([0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY])(
    "%s is refused before anything is sent",
    async (value) => {
      const { adapter, sent } = vendor();
      await expect(runImport(adapter, users(), { progressEvery: value })).rejects.toThrow(
        new RangeError(`progressEvery: expected a whole number ≥ 1, got ${value}`),
      );
      expect(sent).toEqual([]);
    },
  );

  it("paces the progress events while validating", async () => {
    const { adapter } = vendor();
    const validated: number[] = [];
    const input = Array.from({ length: 9 }, (_, i) => ({ id: `u${i}`, email: "no address" }));
    await runImport(adapter, input, {
      progressEvery: 4,
      onProgress: (p) => validated.push(p.validated),
    });
    // Records 0, 4 and 8 while validating (all rejected, so no chunk), then the final counts.
    expect(validated).toEqual([1, 5, 9, 9]);
  });
});

describe("progressHeartbeatMs", () => {
  it.each([
    [-1, "-1"],
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "Infinity"],
    [2 ** 31, "2147483648"],
    // From a config file: refused, not taken for a number.
    ["10000" as unknown as number, '"10000"'],
  ])("%s is refused before anything is sent", async (value, shown) => {
    const { adapter, sent } = vendor();
    await expect(
      runImport(adapter, users(), { progressHeartbeatMs: value, onProgress: () => {} }),
    ).rejects.toThrow(
      new RangeError(
        `progressHeartbeatMs: expected a duration in ms from 0 to 2147483647, got ${shown}`,
      ),
    );
    expect(sent).toEqual([]);
  });
});

describe("keepOutcomes", () => {
  it("an unknown value is refused rather than keeping no outcome, failures included", async () => {
    const { adapter, sent } = vendor();
    const options = { keepOutcomes: "failed" } as unknown as ImportOptions<User>;
    await expect(runImport(adapter, users(), options)).rejects.toThrow(
      new RangeError('keepOutcomes: expected one of "all", "problems", "none", got "failed"'),
    );
    expect(sent).toEqual([]);
  });

  it.each([
    ["all", ["u0", "u1"]],
    ["problems", ["u1"]],
    ["none", []],
  ] as const)("%s keeps what it names", async (keepOutcomes, kept) => {
    const { adapter } = vendor();
    const report = await runImport(adapter, users(), { keepOutcomes });
    expect(report.outcomes.map((o) => o.key)).toEqual(kept);
  });
});

describe("chunkAttempts, replayDelayMs and maxReplayDelayMs", () => {
  it.each([
    [{ chunkAttempts: 0 }, "chunkAttempts: expected a whole number ≥ 1, got 0"],
    [{ chunkAttempts: 2.5 }, "chunkAttempts: expected a whole number ≥ 1, got 2.5"],
    [
      { replayDelayMs: -1 },
      "replayDelayMs: expected a duration in ms from 0 to 2147483647, got -1",
    ],
    [
      { maxReplayDelayMs: Number.NaN },
      "maxReplayDelayMs: expected a duration in ms from 0 to 2147483647, got NaN",
    ],
  ])("%o is refused before anything is sent", async (options, message) => {
    const { adapter, sent } = vendor();
    await expect(runImport(adapter, users(), options)).rejects.toThrow(new RangeError(message));
    expect(sent).toEqual([]);
  });
});
