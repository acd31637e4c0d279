// The progress line's total: known, estimated from the share of the input file read, or records read so far
// (a lower bound while an input of unknown size is read).
import { describe, expect, it } from "vitest";
import { createProgressDisplay } from "../../src/cli/progress.js";
import type { ImportProgress } from "../../src/core/engine/report.js";
import { CollectingStream } from "./helpers.js";

const at = (validated: number, confirmed: number): ImportProgress => ({
  validated,
  rejected: 0,
  sent: confirmed,
  confirmed,
  imported: confirmed,
  failed: 0,
});

function display(of?: Parameters<typeof createProgressDisplay>[3]) {
  const stream = new CollectingStream(false);
  const progress = createProgressDisplay(stream as unknown as NodeJS.WriteStream, "x", 0, of);
  return { stream, progress, last: () => stream.text.trimEnd().split("\n").at(-1) ?? "" };
}

describe("createProgressDisplay", () => {
  it("estimates the total from the bytes read, so it holds still while records stream in", () => {
    let read = 0.1;
    const { progress, last } = display({ readFraction: () => read });
    progress.update(at(1_000, 0));
    expect(last()).toMatch(/^x: 0\/~10000 confirmed/);
    read = 0.5;
    progress.update(at(5_000, 4_000));
    expect(last()).toMatch(/^x: 4000\/~10000 confirmed/);
    read = 1;
    progress.update(at(9_990, 9_000));
    expect(last()).toMatch(/^x: 9000\/9990 confirmed/);
  });

  it("an input of unknown size (a pipe) shows the records read as a lower bound, without an ETA, until its end", () => {
    let ended = false;
    const { progress, last } = display({ readFraction: () => (ended ? 1 : undefined) });
    progress.update(at(1_000, 500));
    expect(last()).toMatch(/^x: 500\/1000\+ confirmed \(.*\), \d+\/s$/);
    ended = true;
    progress.update(at(2_000, 1_500));
    expect(last()).toMatch(/^x: 1500\/2000 confirmed/);
  });

  it("shows ? until the first record is read", () => {
    const { progress, last } = display({ readFraction: () => 0 });
    progress.update(at(0, 0));
    expect(last()).toMatch(/^x: 0\/\? confirmed/);
  });

  it("a known total wins; without any, the records read so far", () => {
    const known = display(500);
    known.progress.update(at(10, 5));
    expect(known.last()).toMatch(/^x: 5\/500 confirmed/);
    const plain = display();
    plain.progress.update(at(10, 5));
    expect(plain.last()).toMatch(/^x: 5\/10 confirmed/);
  });
});
