// The progress line's total: known, estimated from the share of the input file read, or records read so far
// (a lower bound while an input of unknown size is read); its rate and ETA on a run resumed from a journal,
// and the ETA's minutes and hours; the final line, written once to a log; the line again while no count
// changes; the warned and may-hold counts; the ETA rounded up; the bar cut short of a terminal's width,
// and redrawn at most every 100 ms.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createProgressDisplay } from "../../src/cli/progress.js";
import type { ImportProgress } from "../../src/core/engine/report.js";
import { CollectingStream } from "./helpers.js";

const at = (validated: number, confirmed: number, resumed = 0): ImportProgress => ({
  validated,
  rejected: 0,
  sent: confirmed - resumed,
  confirmed,
  resumed,
  imported: confirmed,
  warned: 0,
  failed: 0,
  vendorMayHold: 0,
  waitingOnVendor: 0,
  waitingToRetry: 0,
  waitingToRetryRequest: 0,
  unchangedForMs: 0,
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

  it("shows ? while part of the file is read but no record yet (a long first record), not ~0", () => {
    const { progress, last } = display({ readFraction: () => 0.3 });
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

describe("the rate and ETA of a run resumed from a journal", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("leave out the records an earlier run settled, which the line says came from the journal", () => {
    vi.useFakeTimers({ toFake: ["performance"] });
    const { progress, last } = display(2_000);
    // The first 900 came from the journal at once; 100 more were sent and settled in the next 10 s. Counted
    // with them, the rate was 100/s and the ETA 10 s, where this run's 1,000 left take 100 s.
    progress.update(at(900, 900, 900));
    vi.advanceTimersByTime(10_000);
    progress.update(at(1_000, 1_000, 900));
    expect(last()).toBe(
      "x: 1000/2000 confirmed (1000 imported, 0 failed, 0 rejected; 900 of them from the journal), 10/s, ETA 1m40s",
    );
  });
});

describe("the ETA", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  // 2 records confirmed in 1 s: the time left is half the records left. Its part within the minute (or the
  // hour) was rounded up on its own, which wrote a minute's 60 seconds out.
  it.each([
    [121, "1m0s"],
    [241, "2m0s"],
    [7_201, "1h0m"],
    [201, "1m40s"],
  ])("of %i records is %s at 2/s", (total, eta) => {
    vi.useFakeTimers({ toFake: ["performance"] });
    const { progress, last } = display(total);
    vi.advanceTimersByTime(1_000);
    progress.update(at(2, 2));
    expect(last()).toMatch(new RegExp(`, 2/s, ETA ${eta}$`));
  });
});

describe("the ETA's rounding", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is up, so a time left of 2.3 s never shows as 2 s", () => {
    vi.useFakeTimers({ toFake: ["performance"] });
    const { progress, last } = display(10);
    vi.advanceTimersByTime(1_000);
    // 3 confirmed in 1 s, 7 left: 2.33 s.
    progress.update(at(3, 3));
    expect(last()).toMatch(/, 3\/s, ETA 3s$/);
  });
});

describe("the bar on a terminal", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is cut short of the terminal's width when it would fill the row, so a redraw never wraps", () => {
    vi.useFakeTimers({ toFake: ["performance"] });
    const drawnAt = (columns: number | undefined) => {
      const stream = new CollectingStream(true);
      Object.assign(stream, { columns });
      const progress = createProgressDisplay(stream as unknown as NodeJS.WriteStream, "x", 0, 10);
      progress.update(at(10, 4));
      return (stream.text.split("\r").at(-1) ?? "").replace("\u001b[K", "");
    };
    const whole = drawnAt(undefined);
    // Exactly as wide as the terminal, the cursor sits past its last column; a line one longer wraps.
    for (const columns of [whole.length, whole.length - 10]) {
      const drawn = drawnAt(columns);
      expect(drawn).toBe(whole.slice(0, columns - 1));
    }
  });

  it("is redrawn at most every 100 ms, however often the counts change: a slow terminal keeps up", () => {
    vi.useFakeTimers({ toFake: ["performance"] });
    const stream = new CollectingStream(true);
    const progress = createProgressDisplay(stream as unknown as NodeJS.WriteStream, "x", 0, 10);
    const draws = () => stream.text.split("\r").length - 1;
    progress.update(at(10, 1));
    progress.update(at(10, 2));
    vi.advanceTimersByTime(99);
    progress.update(at(10, 3));
    expect(draws()).toBe(1);
    vi.advanceTimersByTime(1);
    progress.update(at(10, 4));
    expect(draws()).toBe(2);
    expect(stream.text.split("\r").at(-1)).toMatch(/ x: 4\/10 confirmed/);
  });
});

describe("the final line without a terminal", () => {
  it("is not written again when the last update wrote it (an empty input, a last job over 5 s)", () => {
    const { stream, progress } = display();
    progress.update(at(0, 0));
    progress.done();
    expect(stream.text.trimEnd().split("\n")).toEqual([
      "x: 0/0 confirmed (0 imported, 0 failed, 0 rejected), 0/s",
    ]);
  });

  it("is not written again when the import's last call repeats the counts a line wrote", () => {
    // The engine calls once more before the import resolves, with counts as its last chunk left them.
    const stream = new CollectingStream(false);
    const progress = createProgressDisplay(stream as unknown as NodeJS.WriteStream, "x", 60_000);
    progress.update(at(3, 3));
    progress.update(at(3, 3));
    progress.done();
    expect(stream.text.trimEnd().split("\n")).toHaveLength(1);
  });

  it("is not written again when the last call differs only in how long the counts stood still", () => {
    const stream = new CollectingStream(false);
    const progress = createProgressDisplay(stream as unknown as NodeJS.WriteStream, "x", 60_000);
    progress.update(at(3, 3));
    progress.update({ ...at(3, 3), unchangedForMs: 40 });
    progress.done();
    expect(stream.text.trimEnd().split("\n")).toHaveLength(1);
  });

  it("is written when the last update was held back by the interval", () => {
    const stream = new CollectingStream(false);
    const progress = createProgressDisplay(stream as unknown as NodeJS.WriteStream, "x", 60_000);
    progress.update(at(1, 0));
    progress.update(at(3, 3));
    progress.done();
    expect(
      stream.text
        .trimEnd()
        .split("\n")
        .map((l) => l.split(" (")[0]),
    ).toEqual(["x: 0/1 confirmed", "x: 3/3 confirmed"]);
  });
});

describe("a log while no count changes (a vendor's job running)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("gets the line again every interval, its rate brought up to date, and none after the end", () => {
    vi.useFakeTimers({ toFake: ["performance", "setInterval", "clearInterval"] });
    const stream = new CollectingStream(false);
    const progress = createProgressDisplay(stream as unknown as NodeJS.WriteStream, "x", 5_000, 40);
    vi.advanceTimersByTime(1_000);
    progress.update(at(40, 20));
    vi.advanceTimersByTime(40_000);
    const lines = stream.text.trimEnd().split("\n");
    // The update's line at 1 s, then the ticks' from 10 s on (the tick at 5 s came too soon after it).
    expect(lines).toHaveLength(8);
    expect(lines.every((l) => l.startsWith("x: 20/40 confirmed"))).toBe(true);
    expect(lines[0]).toMatch(/, 20\/s, ETA 1s$/);
    expect(lines.at(-1)).toMatch(/, 1\/s, ETA 40s$/);
    progress.done();
    const written = stream.text;
    vi.advanceTimersByTime(60_000);
    expect(stream.text).toBe(written);
  });
});

describe("the counts the line gives", () => {
  it("say how many imports carry a warning and how many failures the vendor may hold, when any do", () => {
    const { progress, last } = display(10);
    progress.update({ ...at(10, 10), imported: 6, warned: 2, failed: 4, vendorMayHold: 3 });
    expect(last()).toMatch(
      /^x: 10\/10 confirmed \(6 imported, 2 with a warning, 4 failed, 3 the vendor may hold, 0 rejected\)/,
    );
  });

  it("say what the chunks out wait on while any waits: a vendor's job, a replay, a request's retry", () => {
    const { progress, last } = display(10);
    progress.update({ ...at(10, 4), waitingOnVendor: 3, unchangedForMs: 9_000 });
    expect(last()).toMatch(/ rejected\), \d+\/s, ETA \w+; 3 chunks waiting on the vendor$/);
    progress.update({ ...at(10, 4), waitingOnVendor: 1, waitingToRetry: 1 });
    expect(last()).toMatch(/; 1 chunk waiting on the vendor, 1 chunk waiting to be sent again$/);
    // The client waits out a Retry-After (or a backoff) before it tries a request of the chunk again.
    progress.update({ ...at(10, 4), waitingToRetryRequest: 2 });
    expect(last()).toMatch(/ETA \w+; 2 chunks waiting to retry a request$/);
    progress.update({ ...at(10, 4), waitingOnVendor: 1, waitingToRetryRequest: 1 });
    expect(last()).toMatch(/; 1 chunk waiting on the vendor, 1 chunk waiting to retry a request$/);
    progress.update(at(10, 10));
    expect(last()).toMatch(/^x: 10\/10 confirmed .*\/s$/);
  });

  it("on a terminal, the bar says what waits; the final line, ending it once, says nothing waits", () => {
    vi.useFakeTimers({ toFake: ["performance"] });
    try {
      const stream = new CollectingStream(true);
      const progress = createProgressDisplay(stream as unknown as NodeJS.WriteStream, "x", 0, 10);
      progress.update({ ...at(10, 4), waitingOnVendor: 2, waitingToRetry: 1 });
      const bar = stream.text.split("\r").at(-1) ?? "";
      expect(bar.startsWith("[##########--------------] x: 4/10 confirmed")).toBe(true);
      expect(
        bar.endsWith("; 2 chunks waiting on the vendor, 1 chunk waiting to be sent again\u001b[K"),
      ).toBe(true);
      vi.advanceTimersByTime(1_000);
      progress.update(at(10, 10));
      progress.done();
      expect(stream.text.split("\n")).toHaveLength(2);
      const final = stream.text.split("\r").at(-1) ?? "";
      expect(final).toMatch(/^x: 10\/10 confirmed \(.*\/s/);
      expect(final.endsWith("/s\u001b[K\n")).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
