// An input file whose name holds a secret the CLI was given that its client does not hold (another vendor's
// variable, the rest of a command line run together after a blank): records of a chunk a broken input cut
// short failed with a reason quoting the reading's error, which names the file, and the report file and the
// printed problems kept the secret; the summary's error alone was scrubbed. A secret no name holds is not
// looked for in reasons or in that error, so a placeholder word in another vendor's variable (`record`)
// eats no word of them: "the file ends inside a [REDACTED]" was printed and kept in an NDJSON report.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createFullStorySimulator } from "../../src/testing/index.js";
import {
  cli,
  fullStoryFlags,
  fullStoryUsers,
  ndjson,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-named-secrets-");
const serve = useServedSimulators();
const SECRET = "cs_9b8a7c6d5e4f";
const CUT = `${ndjson(fullStoryUsers(3, "n"))}{"uid":"n-3","em`;

/** Imports `input`, cut off before its first chunk filled, with a journal and a CSV report. */
async function importCutShort(input: string, env: NodeJS.ProcessEnv) {
  const { url } = await serve(createFullStorySimulator({ processingPolls: 0 }));
  const report = file(`${input.length}-${Object.keys(env).length}.csv`);
  const journal = file(`${input.length}-${Object.keys(env).length}.journal`);
  const run = await cli(
    [
      "import",
      "fullstory",
      input,
      "--report",
      report,
      "--journal",
      journal,
      ...fullStoryFlags(url),
    ],
    { env },
  );
  return { ...run, report: readFileSync(report, "utf8") };
}

describe("the outcomes of records a broken input cut short", () => {
  it("quote its file name without a secret of one word the name holds, in the error too", async () => {
    const word = "Swordfish";
    const input = file(`users ${word}.ndjson`, CUT);

    const run = await importCutShort(input, { PROPELLER_CLIENT_SECRET: word });

    expect(run.code).toBe(2);
    expect(run.report).toContain("users [REDACTED].ndjson: the file ends inside a record");
    expect(run.stderr).toContain("users [REDACTED].ndjson: the file ends inside a record");
    expect(run.report).not.toContain(word);
    expect(run.all).not.toContain(word);
  });

  it("quote its file name without another vendor's secret the name holds", async () => {
    const input = file(`users ${SECRET}.ndjson`, CUT);

    const run = await importCutShort(input, { PROPELLER_CLIENT_SECRET: SECRET });

    expect(run.code).toBe(2);
    expect(run.report).toContain("not sent: reading the input stopped (");
    expect(run.report).toContain("users [REDACTED].ndjson: the file ends inside a record");
    expect(run.report).not.toContain(SECRET);
    expect(run.all).toContain("[aborted] not sent: reading the input stopped (");
    expect(run.all).not.toContain(SECRET);
  });

  it("keep every word of their reasons when no name holds a secret (a word as a placeholder)", async () => {
    const input = file("users.ndjson", CUT);

    const run = await importCutShort(input, { USERPILOT_API_KEY: "record" });

    expect(run.code).toBe(2);
    expect(run.report).not.toContain("[REDACTED]");
    expect(run.report).toContain("the file ends inside a record: line 4");
    expect(run.stderr).toContain(
      `bulk-user-import: ${input}: the file ends inside a record: line 4`,
    );
    expect(run.all).not.toContain("[REDACTED]");
    const dry = await cli(["import", "fullstory", input, "--dry-run"], {
      env: { USERPILOT_API_KEY: "record" },
    });
    expect(dry.stderr).toContain(
      `bulk-user-import: ${input}: the file ends inside a record: line 4`,
    );
  });

  it("keep a line number that a secret of digits no name holds is (a placeholder 1234)", async () => {
    const input = file("many.ndjson", `${ndjson(fullStoryUsers(1233, "d"))}{"uid":"d-x","em`);

    const dry = await cli(["import", "fullstory", input, "--dry-run"], {
      env: { USERPILOT_API_KEY: "1234" },
    });

    expect(dry.code).toBe(2);
    expect(dry.stderr).toContain(
      `${input}: the file ends inside a record: line 1234 has no line end`,
    );
    expect(dry.all).not.toContain("[REDACTED]");
  });
});
