// A run refused before it begins (its --journal belongs to another run) leaves the --report of the earlier run
// as it was, and makes no report file where there was none; a run that begins replaces the report.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readReportFile } from "../../src/cli/report-file.js";
import {
  cli,
  fullStoryUsers,
  ndjson,
  servedFullStory,
  totalRequests,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-report-refusal-");
const serve = useServedSimulators();

const outcomeLines = (text: string) =>
  text.split("\n").filter((line) => line.includes('"kind":"outcome"'));

describe("--report of a run whose --journal is refused", () => {
  it("a journal of another chunk size: exit 2, nothing sent, the earlier report byte for byte", async () => {
    const { sim, base } = await servedFullStory(serve);
    const input = file("users.ndjson", ndjson(fullStoryUsers(3, "kept")));
    const journal = file("run.journal");
    const report = file("report.ndjson");
    const argv = ["import", "fullstory", input, ...base, "--journal", journal, "--report", report];
    expect((await cli(argv)).code).toBe(0);
    const earlier = readFileSync(report, "utf8");
    const sent = totalRequests(sim);

    const refused = await cli([...argv, "--chunk-size", "2"]);

    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("use the same settings (and version) or a new journal");
    expect(totalRequests(sim)).toBe(sent);
    expect(readFileSync(report, "utf8")).toBe(earlier);
    expect(outcomeLines(earlier)).toHaveLength(3);
  });

  it("a file that is not a journal: exit 2, and no report file is left where there was none", async () => {
    const { base } = await servedFullStory(serve);
    const input = file("other.ndjson", ndjson(fullStoryUsers(2, "none")));
    const report = file("never.ndjson");

    const refused = await cli([
      "import",
      "fullstory",
      input,
      ...base,
      "--journal",
      file("notes.txt", "not a journal\n"),
      "--report",
      report,
    ]);

    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("not a journal of bulk-user-import");
    expect(existsSync(report)).toBe(false);
  });
});

describe("--report of a run that begins", () => {
  it("replaces the earlier report with this run's, complete", async () => {
    const { base } = await servedFullStory(serve);
    const report = file(
      "replaced.ndjson",
      "an older report, longer than the new one will be\n".repeat(500),
    );
    const users = fullStoryUsers(2, "new");

    const result = await cli([
      "import",
      "fullstory",
      file("new.ndjson", ndjson(users)),
      ...base,
      "--report",
      report,
    ]);

    expect(result.code).toBe(0);
    const parsed = await readReportFile(report);
    expect(parsed.outcomes.map((o) => o.key)).toEqual(users.map((u) => u.uid));
  });

  it("of no records still writes a complete report over the earlier one", async () => {
    const { base } = await servedFullStory(serve);
    const report = file("empty-run.ndjson", "an older report\n");

    const result = await cli([
      "import",
      "fullstory",
      file("empty.ndjson", ""),
      ...base,
      "--report",
      report,
    ]);

    expect(result.code).toBe(0);
    expect(await readReportFile(report)).toMatchObject({ total: 0, outcomes: [] });
  });
});

describe("--report that cannot be opened", () => {
  it("in a folder that is not there: a usage error (exit 2) naming it, nothing sent", async () => {
    const { sim, base } = await servedFullStory(serve);
    const input = file("unopened-users.ndjson", ndjson(fullStoryUsers(3, "unopened")));
    const report = file("no-such-folder/report.ndjson");

    const result = await cli(["import", "fullstory", input, ...base, "--report", report]);

    expect(result.stderr).toContain(
      `cannot write the report ${report}: its folder ${path.dirname(report)} does not exist`,
    );
    expect(result.code).toBe(2);
    expect(totalRequests(sim)).toBe(0);
  });
});
