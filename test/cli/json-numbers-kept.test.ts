// An `.ndjson` line or `.json` element with a number JSON.parse reads as another integer (an id beyond 2^53,
// `1e-400` as 0) is rejected naming its line or element, as a CSV cell is: read, it was imported with the
// rounded value (12345678901234567890 sent as 12345678901234567000, another account). A number past what a
// double holds is left to the vendor's validation, which names its field.
import { describe, expect, it } from "vitest";
import { UnreadableRecord, readRecords } from "../../src/cli/read-records.js";
import { cli, useTempDir } from "./helpers.js";

const file = useTempDir("bui-cli-numbers-");
let files = 0;

const ROUNDED = [
  '{"user_id":"big","metadata":{"account":12345678901234567890}}',
  '{"user_id":"tiny","metadata":{"ratio":1e-400}}',
  '{"user_id":"long","metadata":{"seats":1.00000000000000001}}',
  '{"user_id":"neg","metadata":{"ids":[1,-9007199254740993]}}',
  '{"user_id":"large","metadata":{"big":1.5e300}}',
];
const KEPT = [
  '{"user_id":"safe","metadata":{"account":9007199254740991,"id":"12345678901234567890"}}',
  '{"user_id":"fraction","metadata":{"score":0.1234567890123456789,"small":1.5e-300}}',
];
const INFINITE = '{"user_id":"huge","metadata":{"n":1e400}}';

async function read(format: "ndjson" | "json", lines: readonly string[]) {
  const text = format === "json" ? `[${lines.join(",\n")}]` : lines.join("\n") + "\n";
  const out: unknown[] = [];
  for await (const record of readRecords(file(`n-${++files}.${format}`, text), format))
    out.push(
      record instanceof UnreadableRecord ? { where: record.where, rule: record.rule } : record,
    );
  return out;
}

describe.each(["ndjson", "json"] as const)(".%s", (format) => {
  const where = (n: number) => (format === "json" ? `element ${n}` : `line ${n}`);

  it("a record with a number that would read as another integer is rejected, naming where it is", async () => {
    expect(await read(format, [...ROUNDED, ...KEPT])).toEqual([
      ...ROUNDED.map((_, i) => ({ where: where(i + 1), rule: "input.type" })),
      ...KEPT.map((line) => JSON.parse(line) as unknown),
    ]);
  });

  it("one past what a number holds is read as Infinity, for the vendor's validation to name", async () => {
    expect(await read(format, [INFINITE, ROUNDED[0]!, KEPT[0]!])).toEqual([
      { user_id: "huge", metadata: { n: Infinity } },
      { where: where(2), rule: "input.type" },
      JSON.parse(KEPT[0]!),
    ]);
  });
});

it("the CLI reports the rejection with its rule and line, and what to do", async () => {
  const input = file("rounded.ndjson", [KEPT[0], ROUNDED[0]].join("\n") + "\n");
  const result = await cli(["import", "userpilot", input, "--dry-run"]);
  expect(result.stdout).toMatch(
    /record 1 \(#1\): \[input\.type\] line 2: a number in it would not keep its value .*write it as a string/,
  );
  expect(result.stdout).toContain("dry run: 2 records, 1 valid, 1 rejected");
});
