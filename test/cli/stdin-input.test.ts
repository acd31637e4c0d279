// `import <vendor> -` reads the users from stdin (`psql … | bulk-user-import import fullstory - --format
// ndjson`), and `--format` states an input's format whatever its name. stdin is read as a pipe is: once, with
// no size, its records' lines in the report. A resume pipes the same records again and sends nothing twice.
import { closeSync, openSync, readFileSync, createReadStream } from "node:fs";
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/run.js";
import { interceptRoute } from "../support/intercept-route.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import {
  cli,
  fakeIo,
  fullStoryFlags,
  fullStoryUsers,
  ndjson,
  requestsTo,
  stdinOf,
  totalRequests,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-cli-stdin-");
const serve = useServedSimulators();

async function fullStory() {
  const sim = createFullStorySimulator({ processingPolls: 0 });
  const { url } = await serve(sim);
  return { sim, url };
}

/** The report file's lines, parsed: its header, then its outcome lines (with `line`), then its summary. */
function reportLines(report: string): Record<string, unknown>[] {
  return readFileSync(report, "utf8")
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The report's outcome lines in input order, each as index, line (if any), outcome and rule (if any). */
function outcomesOf(report: string) {
  return reportLines(report)
    .filter((line) => line["kind"] === "outcome")
    .map(({ index, line, outcome, rule }) => ({ index, line, outcome, rule }))
    .sort((a, b) => Number(a.index) - Number(b.index));
}

const uid = () => faker.string.uuid();

describe("import <vendor> - --format …: the users from stdin", () => {
  it("NDJSON: each record's outcome and line in the report, whose header names the input (stdin)", async () => {
    const { sim, url } = await fullStory();
    const [a, b, c] = [uid(), uid(), uid()];
    // A blank line (skipped), and a record FullStory's rules reject, between two imported ones.
    const text = [
      JSON.stringify({ uid: a, email: faker.internet.email() }),
      "",
      JSON.stringify({ uid: 7 }),
      JSON.stringify({ uid: b }),
      "not json",
      JSON.stringify({ uid: c }),
    ].join("\n");
    const report = file("ndjson.report");

    const result = await cli(
      [
        "import",
        "fullstory",
        "-",
        "--format",
        "ndjson",
        "--report",
        report,
        ...fullStoryFlags(url),
      ],
      { stdin: stdinOf(`${text}\n`, { chunkBytes: 7 }) },
    );

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^fullstory: 5 records: 3 imported, 0 failed, 2 rejected/);
    expect(reportLines(report)[0]).toMatchObject({ kind: "header", input: "(stdin)" });
    expect(outcomesOf(report)).toEqual([
      { index: 0, line: 1, outcome: "imported", rule: undefined },
      { index: 1, line: 3, outcome: "rejected", rule: "fullstory.field_type" },
      { index: 2, line: 4, outcome: "imported", rule: undefined },
      { index: 3, line: 5, outcome: "rejected", rule: "input.parse" },
      { index: 4, line: 6, outcome: "imported", rule: undefined },
    ]);
    expect(sim.users().map((user) => user.uid)).toEqual([a, b, c]);
  });

  it("`--format jsonl` reads NDJSON too", async () => {
    const { sim, url } = await fullStory();
    const users = fullStoryUsers(3, "jl");

    const result = await cli(
      ["import", "fullstory", "-", "--format", "jsonl", ...fullStoryFlags(url)],
      {
        stdin: stdinOf(ndjson(users)),
      },
    );

    expect(result.code).toBe(0);
    expect(sim.users().map((user) => user.uid)).toEqual(users.map((user) => user.uid));
  });

  it("a JSON array: each element's outcome, in the array's order", async () => {
    const { sim, url } = await fullStory();
    const [a, b] = [uid(), uid()];
    const text = JSON.stringify([{ uid: a }, { uid: ["x"] }, { uid: b }], null, 2);
    const report = file("json.report");

    const result = await cli(
      ["import", "fullstory", "-", "--format", "json", "--report", report, ...fullStoryFlags(url)],
      { stdin: stdinOf(text, { chunkBytes: 5 }) },
    );

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^fullstory: 3 records: 2 imported, 0 failed, 1 rejected/);
    // A JSON array's element N is record N: no line is reported for it, as for a .json file.
    expect(outcomesOf(report)).toEqual([
      { index: 0, line: undefined, outcome: "imported", rule: undefined },
      { index: 1, line: undefined, outcome: "rejected", rule: "fullstory.field_type" },
      { index: 2, line: undefined, outcome: "imported", rule: undefined },
    ]);
    expect(sim.users().map((user) => user.uid)).toEqual([a, b]);
  });

  it("CSV: its rows imported with the line each ends on; a ragged row rejected", async () => {
    const { sim, url } = await fullStory();
    const [a, b] = [uid(), uid()];
    const text = `uid,email,properties.seats:number\n${a},,3\n\n${uid()},x,1,extra\n${b},,4\n`;
    const report = file("csv.report");

    const result = await cli(
      ["import", "fullstory", "-", "--format", "csv", "--report", report, ...fullStoryFlags(url)],
      { stdin: stdinOf(text, { chunkBytes: 3 }) },
    );

    expect(result.code).toBe(1);
    expect(outcomesOf(report)).toEqual([
      { index: 0, line: 2, outcome: "imported", rule: undefined },
      { index: 1, line: 4, outcome: "rejected", rule: "input.parse" },
      { index: 2, line: 5, outcome: "imported", rule: undefined },
    ]);
    expect(sim.users().map((user) => [user.uid, user.properties])).toEqual([
      [a, { seats: 3 }],
      [b, { seats: 4 }],
    ]);
  });

  it("input that breaks off at record 3: the two before it are imported, exit 2 naming (stdin) and the line", async () => {
    const { sim, url } = await fullStory();
    const users = fullStoryUsers(2, "cut");
    const text = `${ndjson(users)}{"uid": "cut-2", "email`;

    const result = await cli(
      ["import", "fullstory", "-", "--format", "ndjson", ...fullStoryFlags(url)],
      {
        stdin: stdinOf(text),
      },
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "bulk-user-import: (stdin): stdin ends inside a record: line 3 has no line end",
    );
    expect(sim.users().map((user) => user.uid)).toEqual(["cut-0", "cut-1"]);
  });

  it("--dry-run checks what is piped, sending nothing", async () => {
    const { sim, url } = await fullStory();
    const text = ndjson([...fullStoryUsers(2, "dry"), { uid: 7 }]);

    const result = await cli(
      ["import", "fullstory", "-", "--format", "ndjson", "--dry-run", ...fullStoryFlags(url)],
      { stdin: stdinOf(text) },
    );

    expect(result.code).toBe(1);
    expect(result.stdout).toContain("dry run: 3 records, 2 valid, 1 rejected; nothing was sent\n");
    expect(totalRequests(sim)).toBe(0);
  });
});

describe("stdin refused (exit 2, nothing read or sent)", () => {
  it("`-` without --format: stdin has no name to tell its format", async () => {
    const { sim, url } = await fullStory();

    const result = await cli(["import", "fullstory", "-", ...fullStoryFlags(url)], {
      stdin: stdinOf(ndjson(fullStoryUsers(2))),
    });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "bulk-user-import: - reads the users from stdin, whose format no name tells: give --format ndjson, json or csv\n",
    );
    expect(totalRequests(sim)).toBe(0);
  });

  it("stdin a terminal: refused rather than waiting for users typed in", async () => {
    const { sim, url } = await fullStory();
    const stdin = stdinOf(ndjson(fullStoryUsers(2)), { tty: true });

    const result = await cli(
      ["import", "fullstory", "-", "--format", "ndjson", ...fullStoryFlags(url)],
      {
        stdin,
      },
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "bulk-user-import: - reads the users from stdin, but no input is piped to it (it is a terminal)",
    );
    expect(totalRequests(sim)).toBe(0);
  });

  it("stdin the file --report names (`< users.ndjson --report users.ndjson`): refused, the input intact", async () => {
    const { sim, url } = await fullStory();
    const text = ndjson(fullStoryUsers(3, "same"));
    const input = file("same.ndjson", text);
    const fd = openSync(input, "r");
    // As a shell's `<` gives it: a stream of the open file, which has no name to compare by.
    const stdin = Object.assign(createReadStream("", { fd }), { isTTY: false });
    try {
      const result = await cli(
        [
          "import",
          "fullstory",
          "-",
          "--format",
          "ndjson",
          "--report",
          input,
          ...fullStoryFlags(url),
        ],
        { stdin },
      );

      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `the input (stdin) and --report ${input} are the same file, which the import would overwrite`,
      );
      expect(readFileSync(input, "utf8")).toBe(text);
      expect(totalRequests(sim)).toBe(0);
    } finally {
      if (!stdin.destroyed) closeSync(fd);
    }
  });
});

describe("--format", () => {
  // `constructor` is a name every object has: it must not be taken for a format.
  it.each(["xml", "ndjson.gz", "constructor", ""])(
    "%j is a usage error naming the flag and its choices",
    async (value) => {
      const result = await cli(["import", "fullstory", "-", `--format=${value}`], {
        stdin: stdinOf(""),
      });

      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^bulk-user-import: --format takes ndjson \(or jsonl\), json or csv, not (xml|ndjson\.gz|constructor|an empty value)\n/,
      );
    },
  );

  it("wins over the file's extension: a users.txt of NDJSON, a users.json of CSV", async () => {
    const { sim, url } = await fullStory();
    const [a, b] = [uid(), uid()];
    const txt = file("users.txt", ndjson([{ uid: a }]));
    const json = file("users.json", `uid\n${b}\n`);

    const first = await cli([
      "import",
      "fullstory",
      txt,
      // In any case, as an extension is read.
      "--format",
      "NDJSON",
      ...fullStoryFlags(url),
    ]);
    const second = await cli([
      "import",
      "fullstory",
      json,
      "--format",
      "csv",
      ...fullStoryFlags(url),
    ]);

    expect([first.code, second.code]).toEqual([0, 0]);
    expect(sim.users().map((user) => user.uid)).toEqual([a, b]);
  });
});

describe("--journal with stdin", () => {
  it("an aborted run resumes when the same records are piped again: no chunk sent twice, no user written twice", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const users = fullStoryUsers(50, "sj");
    const text = ndjson(users);
    const journal = file("stdin.journal");
    const first = fakeIo({ stdin: stdinOf(text, { chunkBytes: 512 }) });
    // Aborted as the 3rd batch reaches the vendor: it is created there, its answer never read.
    const { url } = await serve(
      interceptRoute(sim, "POST /v2/users/batch", (seen) => {
        if (seen === 3) first.controller.abort();
        return undefined;
      }),
    );
    const argv = [
      ...["import", "fullstory", "-", "--format", "ndjson"],
      ...fullStoryFlags(url, "--journal", journal, "--chunk-size", "10", "--concurrency", "1"),
    ];

    expect(await run(argv, first.io)).toBe(1);
    // "The same command" alone would read as one with nothing piped in, or other records.
    expect(first.stdout.text).toContain(
      `to resume, run the same command again, given the same records piped in the same order: --journal ${journal}`,
    );
    const before = sim.users().length;
    expect(before).toBeGreaterThanOrEqual(20);
    expect(before).toBeLessThan(50);

    const second = await cli(argv, { stdin: stdinOf(text, { chunkBytes: 512 }) });

    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^fullstory: 50 records: 50 imported, 0 failed, 0 rejected/);
    // Chunk 0 at least was settled; chunk 1 may still have been reading its job's results, and is then
    // followed again by its saved job id, not sent.
    const resumed = Number(/, (\d+) resumed, /.exec(second.stdout)?.[1]);
    const sent = Number(/\((\d+) chunks sent or followed up, /.exec(second.stdout)?.[1]);
    expect(resumed).toBeGreaterThanOrEqual(1);
    expect(resumed + sent).toBe(5);
    expect(
      sim
        .users()
        .map((user) => user.uid)
        .sort(),
    ).toEqual(users.map((user) => user.uid).sort());
    expect(sim.stats()).toMatchObject({ duplicates: 0, rewrites: 0, jobs: 5 });
    // Five chunks: the 3rd sent again under its saved key, the others once each.
    expect(requestsTo(sim, "POST /v2/users/batch")).toBe(6);
  });
});
