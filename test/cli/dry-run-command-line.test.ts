// A dry run rehearses the whole command line, not only the records: a command line an import refuses (exit
// 2) is refused by its dry run with the same message, before any record is read. It needs no credentials,
// and it refuses --report: it has no outcomes to write, and an empty report would pass for an import's;
// and --journal-account-was, which only the journal it does not open can check.
import { existsSync, readFileSync } from "node:fs";
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import {
  CREDENTIAL_FLAGS,
  cli,
  fullStoryUsers,
  ndjson,
  propellerUsers,
  slashIdPersons,
  useTempDir,
  userpilotUsers,
} from "./helpers.js";

const file = useTempDir();

describe("--dry-run refuses what an import refuses", () => {
  const inputs = {
    fullstory: file("users.ndjson", ndjson(fullStoryUsers(3))),
    slashid: file("persons.ndjson", ndjson(slashIdPersons(3))),
    propeller: file("propeller.ndjson", ndjson(propellerUsers(3))),
    userpilot: file("userpilot.ndjson", ndjson(userpilotUsers(3))),
  };
  for (const [vendor, flags, message] of [
    [
      "fullstory",
      ["--chunk-size", "999999"],
      "--chunk-size 999999 is above the fullstory adapter's limit",
    ],
    ["userpilot", ["--concurrency", "2"], "--concurrency 2 is above the userpilot adapter's limit"],
    ["fullstory", ["--poll-interval", "2"], "--poll-interval takes a duration with a unit"],
    ["propeller", ["--job-timeout", "1h"], "--job-timeout applies to fullstory and userpilot"],
    ["fullstory", ["--sole-importer"], "--sole-importer applies to userpilot"],
    ["fullstory", ["--retries", "many"], "--retries takes a whole number ≥ 0, not many"],
    ["fullstory", ["--chunk-attempts", "0"], "--chunk-attempts takes a whole number ≥ 1, not 0"],
    ["fullstory", ["--request-timeout", "0ms"], "--request-timeout takes a duration"],
    ["fullstory", ["--base-url", "http://user:pw@127.0.0.1:9"], "--base-url must not contain"],
    ["fullstory", ["--environment", "eu1"], "fullstory takes no --environment"],
    ["slashid", ["--environment", "sandbx"], "--environment must be production or sandbox"],
  ] as const) {
    it(`${vendor} ${flags.join(" ")}: exit 2 with the import's message`, async () => {
      const input = inputs[vendor];
      const real = await cli([
        "import",
        vendor,
        input,
        // Credentials for the real run; the port is one nothing listens on, and every refusal comes first.
        ...CREDENTIAL_FLAGS[vendor],
        // Nowhere to reach, so that nothing is sent; a row's own --base-url is the one given (not twice).
        ...((flags as readonly string[]).includes("--base-url")
          ? []
          : ["--base-url", "http://127.0.0.1:9"]),
        ...flags,
      ]);
      const dry = await cli(["import", vendor, input, "--dry-run", ...flags]);

      expect(real.code).toBe(2);
      expect(real.stderr).toContain(message);
      expect(dry.code).toBe(2);
      expect(dry.stderr).toContain(message);
      expect(dry.stdout).not.toContain("dry run:");
    });
  }

  it("needs no credentials, and takes flags an import takes", async () => {
    const result = await cli([
      "import",
      "fullstory",
      inputs.fullstory,
      "--dry-run",
      "--chunk-size",
      "2",
      "--poll-interval",
      "2s",
      "--retries",
      "0",
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dry run: 3 records, 3 valid, 0 rejected; nothing was sent");
  });
});

describe("--dry-run with --report", () => {
  it("is a usage error (exit 2) that says why; the file is neither made nor touched", async () => {
    const input = file("some-bad.ndjson", ndjson([...fullStoryUsers(2), { uid: 42 }]));
    const fresh = file(`${faker.string.uuid()}.ndjson`);
    const earlier = file("earlier-report.ndjson", `${JSON.stringify({ kind: "header" })}\n`);

    for (const report of [fresh, earlier]) {
      const result = await cli(["import", "fullstory", input, "--dry-run", "--report", report]);

      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        "--report writes an import's outcomes, and a dry run has none; drop --report, or --dry-run",
      );
      expect(result.stdout).not.toContain("dry run:");
    }
    expect(existsSync(fresh)).toBe(false);
    expect(readFileSync(earlier, "utf8")).toBe(`${JSON.stringify({ kind: "header" })}\n`);
  });
});

describe("--dry-run with --journal-account-was", () => {
  // Only the journal can bear the statement out, and a dry run opens none: a dry run that passed would be
  // taken for a check that the resume is accepted.
  it("is a usage error (exit 2) naming both flags; the journal is untouched, the value not repeated", async () => {
    const input = file("rotated.ndjson", ndjson(fullStoryUsers(2)));
    const journal = file("rotated.journal", `${JSON.stringify({ kind: "header" })}\n`);
    const stated = "key:0123456789ab";

    const result = await cli([
      ...["import", "fullstory", input, "--dry-run"],
      ...["--journal", journal, "--journal-account-was", stated],
    ]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "--journal-account-was is checked against the journal, which a dry run does not open; " +
        "drop --journal-account-was, or --dry-run",
    );
    expect(result.all).not.toContain(stated);
    expect(result.stdout).not.toContain("dry run:");
    expect(readFileSync(journal, "utf8")).toBe(`${JSON.stringify({ kind: "header" })}\n`);
  });
});

describe("--dry-run with --journal", () => {
  // An operator rehearses a resume: "all valid" alone would read as a resume the journal will take.
  it("says that the journal was not opened, and leaves it untouched (exit 0)", async () => {
    const input = file("resume.ndjson", ndjson(fullStoryUsers(2)));
    const journal = file("resume.journal", `${JSON.stringify({ kind: "header" })}\n`);

    const result = await cli(["import", "fullstory", input, "--dry-run", "--journal", journal]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dry run: 2 records, 2 valid, 0 rejected; nothing was sent\n");
    expect(result.stdout).toContain(
      "--journal was not opened: only an import checks whether it fits (vendor, input, chunk size, destination)",
    );
    expect(readFileSync(journal, "utf8")).toBe(`${JSON.stringify({ kind: "header" })}\n`);
  });

  it("without --journal, says nothing of one", async () => {
    const input = file("plain.ndjson", ndjson(fullStoryUsers(2)));
    const result = await cli(["import", "fullstory", input, "--dry-run"]);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("--journal");
  });
});

describe("--dry-run shows what an import would send with a warning", () => {
  it("prints each warning under its record and counts the records, exit 0", async () => {
    const [a, b] = slashIdPersons(2);
    const persons = file("regions.ndjson", ndjson([a, { ...b, region: "mars-olympus" }]));
    const users = file(
      "nested.ndjson",
      ndjson([
        {
          uid: "big",
          properties: { address: { street: "s".repeat(4500), city: "c".repeat(4500) } },
        },
      ]),
    );

    const slashid = await cli(["import", "slashid", persons, "--dry-run"]);
    const fullstory = await cli(["import", "fullstory", users, "--dry-run"]);

    expect(slashid.code).toBe(0);
    expect(slashid.stdout).toMatch(/^record 1 \(sid\.1@example\.com\): warning: .*region/m);
    expect(slashid.stdout).not.toContain("mars-olympus");
    expect(slashid.stdout).toContain(
      "dry run: 2 records, 2 valid (1 with a warning), 0 rejected; nothing was sent",
    );
    expect(fullstory.code).toBe(0);
    expect(fullstory.stdout).toMatch(
      /^record 0 \(big\): warning: properties\.address: a nested object of 9023 bytes as JSON text/m,
    );
  });

  it("warns of a record that repeats an earlier one's user, as the import's outcome does", async () => {
    const [a, b] = fullStoryUsers(2);
    const [p, q] = slashIdPersons(2);
    const users = file("repeats.ndjson", ndjson([a, b, { ...a, display_name: "Again" }]));
    // Another key (its first email), but an email of the first person too: SlashID's same person.
    const persons = file(
      "repeats-persons.ndjson",
      ndjson([p, q, { emails: ["other@example.com", ...(p?.emails ?? [])] }]),
    );

    const fullstory = await cli(["import", "fullstory", users, "--dry-run"]);
    const slashid = await cli(["import", "slashid", persons, "--dry-run"]);

    expect(fullstory.code).toBe(0);
    expect(fullstory.stdout).toContain(
      `record 2 (${a?.uid}): warning: record 0 of the input has the same key (${a?.uid}): ` +
        "where both are written, fullstory keeps one user, presumably with the values written last",
    );
    expect(fullstory.stdout).toContain(
      "dry run: 3 records, 3 valid (1 with a warning), 0 rejected; nothing was sent",
    );
    expect(slashid.code).toBe(0);
    expect(slashid.stdout).toContain(
      "record 2 (other@example.com): warning: record 0 of the input is the same user at slashid " +
        "(they share an identity)",
    );
  });
});
