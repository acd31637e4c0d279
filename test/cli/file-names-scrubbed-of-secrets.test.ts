// A file name that holds a credential after a blank: the rest of a command line run together into one
// argument (`import fullstory "users.json $FULLSTORY_API_KEY"`), without one of the CLI's own flags, which
// it refuses as such. The CLI cannot tell an arbitrary word for a secret, but it knows the secrets it was
// given, by flag or environment variable: every message naming the file was printed with the key in it,
// and the report file kept it in its header and its summary's error.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createFullStorySimulator } from "../../src/testing/index.js";
import { cli, ndjson, useServedSimulators, useTempDir } from "./helpers.js";

const file = useTempDir("bui-name-secrets-");
const serve = useServedSimulators();
const KEY = "sk_live_4f9c2a7e1b";

describe("a secret given to the CLI is scrubbed from the file names its messages quote", () => {
  it("a file that cannot be read, named with the key given by flag: exit 2, the key not printed", async () => {
    const input = file(`${KEY} users.ndjson`);
    const result = await cli(["import", "fullstory", input, "--api-key", KEY]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no such file");
    expect(result.stderr).toContain("[REDACTED]");
    expect(result.all).not.toContain(KEY);
  });

  it("a file of no format, with the key in an environment variable", async () => {
    const result = await cli(["import", "fullstory", `users.csv ${KEY}`, "--dry-run"], {
      env: { FULLSTORY_API_KEY: KEY },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("users.csv [REDACTED]: use a .ndjson");
    expect(result.all).not.toContain(KEY);
  });

  it("Propeller's client secret too, of another vendor's variable as much", async () => {
    const secret = "cs_9b8a7c6d5e4f";
    const result = await cli(["import", "fullstory", `${secret} users.ndjson`, "--api-key", "k1"], {
      env: { PROPELLER_CLIENT_SECRET: secret },
    });
    expect(result.code).toBe(2);
    expect(result.all).not.toContain(secret);
  });

  it("an input that breaks off: the summary, the error and the report file hold no key", async () => {
    const sim = createFullStorySimulator({ apiKey: KEY, processingPolls: 0 });
    const { url } = await serve(sim);
    const input = file(`users ${KEY}.json`, '[{"uid":"a"},{"uid":"b"},{"uid":');
    const report = file("broken-report.ndjson");
    const result = await cli(
      ["import", "fullstory", input, "--base-url", url, "--report", report],
      {
        env: { FULLSTORY_API_KEY: KEY },
      },
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^fullstory: 2 records: 2 imported/);
    expect(result.stderr).toContain("users [REDACTED].json: not a JSON array of records");
    expect(result.all).not.toContain(KEY);
    expect(readFileSync(report, "utf8")).not.toContain(KEY);
    expect(readFileSync(report, "utf8")).toContain("users [REDACTED].json");

    const dry = await cli(["import", "fullstory", input, "--dry-run"], {
      env: { FULLSTORY_API_KEY: KEY },
    });
    expect(dry.code).toBe(2);
    expect(dry.all).not.toContain(KEY);
  });

  it("a report file named with the key: the summary's pointer to it for the problems left out holds no key", async () => {
    const sim = createFullStorySimulator({ apiKey: KEY, processingPolls: 0 });
    const { url } = await serve(sim);
    // Eleven rejected records: one more than the summary lists, so it points to the report for the rest.
    const valid = ndjson([{ uid: "ok", email: "ok@example.com" }]);
    const input = file("many-rejected.ndjson", valid + "not json\n".repeat(11));
    const report = file(`report ${KEY}.ndjson`);
    const result = await cli(
      ["import", "fullstory", input, "--base-url", url, "--report", report],
      {
        env: { FULLSTORY_API_KEY: KEY },
      },
    );
    expect(result.stdout).toMatch(/^fullstory: 12 records: 1 imported, 0 failed, 11 rejected/);
    expect(result.stdout).toContain("… and 1 more (see ");
    expect(result.stdout).toContain("report [REDACTED].ndjson)");
    expect(result.all).not.toContain(KEY);
  });

  it("a file name with blanks and no secret in it is named as it is, and read", async () => {
    const input = file("Q3 users --final.ndjson", '{"uid":"a"}\nnot json\n');
    const result = await cli(["import", "fullstory", input, "--dry-run"], {
      env: { FULLSTORY_API_KEY: KEY },
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("dry run: 2 records, 1 valid, 1 rejected");
    const missing = await cli(["import", "fullstory", `${input}.gone.ndjson`, "--dry-run"]);
    expect(missing.stderr).toContain(`cannot read ${input}.gone.ndjson: no such file`);
  });
});
