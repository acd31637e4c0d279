// The reading's error may quote the input, not only its file's name: a CSV header ("names the column X
// twice"). Scrubbed of only the secrets a name holds, a header holding another vendor's variable reached the
// summary, stderr and the report file, and in a dry run (no client scrubs it) the run's own --api-key too.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createFullStorySimulator } from "../../src/testing/index.js";
import { cli, fullStoryFlags, useServedSimulators, useTempDir } from "./helpers.js";

const file = useTempDir("bui-reading-error-");
const serve = useServedSimulators();
const SECRET = "cs_9b8a7c6d5e4f";
const HEADER_TWICE = `uid,email,${SECRET},${SECRET}\nu1,a@example.com,,\n`;

describe("the reading's error quoting a CSV header that holds a secret given", () => {
  it("keeps another vendor's variable out of the summary, stderr and the report", async () => {
    const { url } = await serve(createFullStorySimulator({ processingPolls: 0 }));
    const input = file("twice.csv", HEADER_TWICE);
    const report = file("twice-report.ndjson");

    const run = await cli(
      ["import", "fullstory", input, "--report", report, ...fullStoryFlags(url)],
      { env: { PROPELLER_CLIENT_SECRET: SECRET } },
    );

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("names the column [REDACTED] twice");
    expect(run.all).not.toContain(SECRET);
    expect(readFileSync(report, "utf8")).not.toContain(SECRET);
  });

  it("keeps the run's own key out of a dry run's error", async () => {
    const input = file("twice-dry.csv", HEADER_TWICE);

    const run = await cli(["import", "fullstory", input, "--dry-run", "--api-key", SECRET]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("names the column [REDACTED] twice");
    expect(run.all).not.toContain(SECRET);
  });

  it("keeps out a secret of 16 letters, long enough to be no word, though no name holds it", async () => {
    const letters = "qwertzuiopasdfgh";
    const input = file(
      "twice-letters.csv",
      `uid,email,${letters},${letters}\nu1,a@example.com,,\n`,
    );

    const run = await cli(["import", "fullstory", input, "--dry-run"], {
      env: { PROPELLER_CLIENT_SECRET: letters },
    });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("names the column [REDACTED] twice");
    expect(run.all).not.toContain(letters);
  });

  it("keeps out a short secret of letters and digits mixed, though no name holds it", async () => {
    const mixed = "k3y9x2m7q1";
    const input = file("twice-mixed.csv", `uid,email,${mixed},${mixed}\nu1,a@example.com,,\n`);

    const run = await cli(["import", "fullstory", input, "--dry-run"], {
      env: { PROPELLER_CLIENT_SECRET: mixed },
    });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain("names the column [REDACTED] twice");
    expect(run.all).not.toContain(mixed);
  });

  it("quotes a column named like a placeholder secret of 8 to 15 letters that no name holds", async () => {
    // A variable of a vendor the run does not use, left at a word: redacting it would hide the column.
    const word = "properties";
    const input = file("twice-word.csv", `uid,email,${word},${word}\nu1,a@example.com,,\n`);

    const run = await cli(["import", "fullstory", input, "--dry-run"], {
      env: { PROPELLER_CLIENT_SECRET: word },
    });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`names the column ${word} twice`);
  });
});
