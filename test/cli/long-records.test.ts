// A record's text too long to be a record (a dump with a runaway field, a file with no line ends, a CSV quote
// left open): an .ndjson line past the longest string V8 makes ended the reading with an error naming neither
// the file nor the line, the records after it unreported, and such a CSV row crashed the process (exit 1, no
// summary). Past 64 MiB, an .ndjson line is rejected naming its line and reading goes on; a CSV row ends the
// reading as a broken CSV does (exit 2, naming the file and line), since where the next row starts is a guess.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cli, ndjson, servedFullStory, useServedSimulators, useTempDir } from "./helpers.js";

const file = useTempDir("bui-cli-long-line-");
const serve = useServedSimulators();

const LIMIT = 64 * 1024 * 1024;
const longLine = JSON.stringify({ uid: "long", display_name: "x".repeat(LIMIT) });

describe("an .ndjson line over 64 MiB", () => {
  it("is rejected naming its line; the records around it are imported, each reported once", async () => {
    const input = file(
      "long.ndjson",
      ndjson([{ uid: "before" }]) + longLine + "\n" + ndjson([{ uid: "after" }]),
    );
    const report = file("long-report.ndjson");
    const { sim, base } = await servedFullStory(serve);

    const run = await cli(["import", "fullstory", input, ...base, "--report", report]);

    expect(run.stdout).toMatch(/3 records: 2 imported, 0 failed, 1 rejected/);
    expect(run.stdout).toMatch(/\[input\.parse\] .*line 2: longer than 67108864 bytes/);
    expect(run.code).toBe(1);
    expect(sim.stats().users).toBe(2);
    const outcomes = readFileSync(report, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { kind: string; index?: number; outcome?: string })
      .filter((l) => l.kind === "outcome");
    expect(outcomes.map((o) => [o.index, o.outcome]).sort()).toEqual([
      [0, "imported"],
      [1, "rejected"],
      [2, "imported"],
    ]);
  }, 60_000);

  it("as the file's last line, without a line end: rejected too, after the records before it", async () => {
    const input = file("long-last.ndjson", ndjson([{ uid: "a" }, { uid: "b" }]) + longLine);

    const dry = await cli(["import", "fullstory", input, "--dry-run"]);

    expect(dry.stdout).toContain("dry run: 3 records, 2 valid, 1 rejected");
    expect(dry.stdout).toMatch(/record 2 .*\[input\.parse\] line 3: longer than 67108864 bytes/);
    expect(dry.code).toBe(1);
  }, 60_000);

  it("its line end the last of its chunk, a last line without one after it: that line read, numbered on", async () => {
    const input = file(
      "long-then-last.ndjson",
      ndjson([{ uid: "a" }]) + longLine + "\n" + JSON.stringify({ uid: "after" }),
    );

    const dry = await cli(["import", "fullstory", input, "--dry-run"]);

    expect(dry.stdout).toContain("dry run: 3 records, 2 valid, 1 rejected");
    expect(dry.stdout).toMatch(/record 1 .*\[input\.parse\] line 2: longer than 67108864 bytes/);
    expect(dry.code).toBe(1);
  }, 60_000);

  it("a line of exactly 64 MiB is still read as a record", async () => {
    const body = JSON.stringify({ uid: "edge", display_name: "" });
    const exact = body.replace('""', JSON.stringify("y".repeat(LIMIT - body.length)));
    expect(Buffer.byteLength(exact)).toBe(LIMIT);
    const input = file("exact.ndjson", exact + "\n" + ndjson([{ uid: "next" }]));

    const dry = await cli(["import", "fullstory", input, "--dry-run"]);

    expect(dry.stdout).not.toContain("longer than");
    expect(dry.stdout).toMatch(/dry run: 2 records/);
  }, 60_000);
});

describe("a CSV row over 64 MiB", () => {
  it("ends the reading as a broken CSV does: exit 2 naming the file and line, the rows before it imported", async () => {
    const input = file(
      "long.csv",
      `uid,display_name\nbefore,a\nlong,"${"x".repeat(LIMIT)}"\nafter,b\n`,
    );
    const { sim, base } = await servedFullStory(serve);

    const run = await cli(["import", "fullstory", input, ...base]);

    expect(run.stdout).toMatch(/1 records: 1 imported, 0 failed, 0 rejected/);
    expect(run.stderr).toContain(`${input}: `);
    expect(run.stderr).toMatch(/67108864 .*line 3/);
    expect(run.code).toBe(2);
    expect(sim.stats().users).toBe(1);
  }, 60_000);

  it("so does a row of cells past the header's columns (CR line ends after an LF header), held to the limit", async () => {
    const input = file(
      "wide.csv",
      `uid,display_name\nbefore,a\nwide,b${`,${"x".repeat(63)}`.repeat(LIMIT / 63 + 1)}\rafter,c\r`,
    );

    const dry = await cli(["import", "fullstory", input, "--dry-run"]);

    expect(dry.stderr).toMatch(/67108864 .*line 3/);
    expect(dry.code).toBe(2);
  }, 60_000);
});
