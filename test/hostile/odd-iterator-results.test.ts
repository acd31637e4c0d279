// Inputs whose iterator breaks the iteration protocol in ways a `for…of` copes with or names: a result that is
// not an object (a hand-written `next` that falls off its end) ends the reading as a broken input does, so the
// records read are still sent and reported; a truthy `done` that is not `true` ends the input, as it ends a
// `for…of`. The first rejected the import and left the records of the chunk being filled without an outcome;
// the second was read as a record, again and again, for ever.
import { describe, expect, it } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import type { RecordOutcome } from "../../src/core/engine/report.js";
import { matching } from "../support/matchers.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { importEvery, testAdapter } from "../support/test-adapter.js";

interface User {
  id: string;
}

/** Three users, then `end` for every later call (at most 20 calls: a reader that never stops fails). */
function handWritten(end: () => unknown, sync: boolean): Iterable<User> | AsyncIterable<User> {
  const next = (): unknown => {
    calls += 1;
    if (calls > 20) throw new Error("read past the end of the input");
    return calls <= 3 ? { done: false, value: { id: `u${calls - 1}` } } : end();
  };
  let calls = 0;
  return sync
    ? { [Symbol.iterator]: () => ({ next: () => next() as IteratorResult<User> }) }
    : {
        [Symbol.asyncIterator]: () => ({
          next: () => Promise.resolve(next() as IteratorResult<User>),
        }),
      };
}

describe.each([
  ["sync", true],
  ["async", false],
])("a %s input", (_, sync) => {
  it("whose iterator gives no result object: the records read are imported, and the break is named", async () => {
    const outcomes: RecordOutcome[] = [];
    const report = await runImport(
      testAdapter<User>(importEvery),
      handWritten(() => undefined, sync),
      { onOutcome: (o) => outcomes.push(o) },
    );
    expectEveryRecordOnce(report, 3);
    expect(report.imported).toBe(3);
    expect(outcomes).toHaveLength(3);
    expect(report.inputError).toEqual(matching(/not an iterator result: undefined/));
  });

  it("whose `done` is truthy but not `true`: the input ends there", async () => {
    const report = await runImport(
      testAdapter<User>(importEvery),
      handWritten(() => ({ done: 1 }), sync),
    );
    expectEveryRecordOnce(report, 3);
    expect(report).toMatchObject({ imported: 3, aborted: false });
    expect(report.inputError).toBeUndefined();
  });
});
