// An .ndjson line over 64 MiB is rejected naming its line, and the lines after it keep their own numbers: in
// the report, each record's `line` is the one its reason names, the long line's too, whether a line end
// follows it or the file ends there; and a record after it is named by its own line, even when the long
// line's end is the last byte of a read chunk (nothing of the next line in that chunk).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MAX_RECORD_BYTES } from "../../src/cli/read-records.js";
import { matching } from "../support/matchers.js";
import {
  cli,
  fullStoryUsers,
  readPlain,
  servedFullStory,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-long-ndjson-lines-");
const serve = useServedSimulators();

/** The bytes createReadStream hands out at once. */
const CHUNK = 64 * 1024;

/** A record line `length` bytes long, before its line end. */
function lineOf(uid: string, length: number): string {
  const body = JSON.stringify({ uid, display_name: "" });
  return body.replace('""', JSON.stringify("x".repeat(length - body.length)));
}

/** The report file's outcome lines by record index: outcome, line, and the line its reason names. */
function outcomesOf(report: string) {
  return readFileSync(report, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map(
      (l) =>
        JSON.parse(l) as {
          kind: string;
          index: number;
          outcome: string;
          line?: number;
          reason?: string;
        },
    )
    .filter((l) => l.kind === "outcome")
    .sort((a, b) => a.index - b.index)
    .map(({ outcome, line, reason }) => ({
      outcome,
      line,
      named: reason === undefined ? undefined : Number(/\bline (\d+):/.exec(reason)?.[1]),
    }));
}

const TOO_LONG = {
  where: "line 1",
  rule: "input.parse",
  problem: matching(/^longer than 67108864 bytes/),
};

describe("the lines after an .ndjson line over 64 MiB", () => {
  it("its line end the last byte of a read chunk: later lines keep their own numbers", async () => {
    const long = lineOf("long", Math.ceil(MAX_RECORD_BYTES / CHUNK) * CHUNK + CHUNK - 1);
    expect((long.length + 1) % CHUNK).toBe(0);
    const input = file("long-to-chunk-end.ndjson", `${long}\n{"uid":"b"}\n{"uid":\n{"uid":"c"}\n`);

    expect(await readPlain(input, "ndjson")).toEqual([
      TOO_LONG,
      { uid: "b" },
      { where: "line 3", rule: "input.parse", problem: matching(/JSON/) },
      { uid: "c" },
    ]);
  }, 60_000);
});

describe("the report of an import holding an .ndjson line over 64 MiB", () => {
  const [before, after] = fullStoryUsers(2, "ln").map((user) => JSON.stringify(user));

  for (const [name, tail, lines] of [
    ["with its line end, a record after it", `\n${after}\n`, [1, 2, 3]],
    ["the file's last line, without a line end", "", [1, 2]],
  ] as const) {
    it(`${name}: the long line's outcome has its line, the one its reason names`, async () => {
      const input = file(
        `long-${name.length}.ndjson`,
        `${before}\n${lineOf("long", MAX_RECORD_BYTES + 1)}${tail}`,
      );
      const report = file(`long-${name.length}-report.ndjson`);
      const { base } = await servedFullStory(serve);

      const run = await cli(["import", "fullstory", input, ...base, "--report", report]);

      expect(run.code).toBe(1);
      const outcomes = outcomesOf(report);
      expect(outcomes.map((o) => o.line)).toEqual(lines);
      expect(outcomes[1]).toEqual({ outcome: "rejected", line: 2, named: 2 });
    }, 60_000);
  }
});
