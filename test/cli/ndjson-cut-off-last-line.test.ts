// An .ndjson file cut off part-way (truncated as it was copied) ends inside its last record: no line end, and
// JSON that stops part-way. That is a broken input, as a cut-off .json array is (exit 2, the error naming the
// file, the records before it imported), not a bad record (exit 1), which read as if the rest of the file
// had been imported. A last line whose JSON breaks before its end, or one with its line end, is still a bad
// record: a cut leaves neither. A last line ending in NUL bytes: see nul-padded-tail.test.ts.
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readReportFile } from "../../src/cli/report-file.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import {
  cli,
  fullStoryFlags,
  fullStoryUsers,
  ndjson,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-cut-off-");
const serve = useServedSimulators();

const whole = ndjson(fullStoryUsers(3, "cut"));
const ENDS_INSIDE = "the file ends inside a record: line 4 has no line end";

describe("an .ndjson file whose last line is cut off", () => {
  it("is a broken input: exit 2, the records before it imported, inputError says where", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(sim);
    const input = file("cut.ndjson", `${whole}{"uid":"cut-3","email":"cut.3@exa`);
    const report = file("cut-report.ndjson");

    const run = await cli([
      "import",
      "fullstory",
      input,
      "--report",
      report,
      ...fullStoryFlags(url),
    ]);

    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^fullstory: 3 records: 3 imported, 0 failed, 0 rejected/);
    expect(run.stderr).toContain(`bulk-user-import: ${input}: ${ENDS_INSIDE}`);
    expect((await readReportFile(report)).inputError).toContain(`${input}: ${ENDS_INSIDE}`);
    expect(sim.users().map((u) => u.uid)).toEqual(["cut-0", "cut-1", "cut-2"]);
  });

  // Each byte as written: the last case ends in the first of the two bytes of é (C3 A9).
  for (const [name, cut] of [
    ["in a number", '{"uid":"cut-3","properties":{"seats":1.'],
    ["in a literal", '{"uid":"cut-3","properties":{"active":tr'],
    ["in a character's bytes", '{"uid":"caf\xc3'],
  ] as const) {
    it(`cut ${name}: a dry run stops there too (exit 2)`, async () => {
      const input = file(`cut-${name.length}.ndjson`);
      writeFileSync(input, Buffer.from(whole + cut, "latin1"));

      const dry = await cli(["import", "fullstory", input, "--dry-run"]);

      expect(dry.code).toBe(2);
      expect(dry.stdout).toBe("dry run: 3 records, 3 valid, 0 rejected; nothing was sent\n");
      expect(dry.stderr).toContain(ENDS_INSIDE);
    });
  }

  for (const [name, last] of [
    ["whose JSON breaks before its end", '{"uid": cut-3}'],
    ["that has its line end", '{"uid":"cut-3","em\n'],
  ] as const) {
    it(`a last line ${name} is a rejected record (exit 1), reading to the end`, async () => {
      const input = file(`bad-${name.length}.ndjson`, `${whole}${last}`);

      const dry = await cli(["import", "fullstory", input, "--dry-run"]);

      expect(dry.code).toBe(1);
      expect(dry.stdout).toMatch(/^record 3 \(#3\): \[input\.parse\] line 4: /);
      expect(dry.stderr).toBe("");
    });
  }

  it("a last line of blanks without a line end is no record and no cut: exit 0", async () => {
    const input = file("blank-tail.ndjson", `${whole} \t `);

    const dry = await cli(["import", "fullstory", input, "--dry-run"]);

    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe("dry run: 3 records, 3 valid, 0 rejected; nothing was sent\n");
    expect(dry.stderr).toBe("");
  });
});
