// flags-run-together.test.ts covers a tuning flag whose value holds the rest of a quoted "$OPTS". The same
// line run into a vendor, a command or the input file was quoted whole by the error that refuses it, and run
// into a flag that takes any text (--base-url, --report, --journal) it was taken as that value: the run went
// on with the environment's key while the run-together key was sent in the URL's path, written to the
// journal as the destination, or made the name of the report file.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { createFullStorySimulator } from "../../src/testing/fullstory.js";
import {
  CREDS,
  FAST_POLL,
  cli,
  ndjson,
  totalRequests,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const faker = seededFaker("arguments run together");
const file = useTempDir("bui-run-together-");
const serve = useServedSimulators();
const key = `na1.${faker.string.alphanumeric({ length: 32 })}`;
const env = { FULLSTORY_API_KEY: CREDS.apiKey };
const users = () => file("users.ndjson", ndjson([{ uid: "u-1", email: "a@example.com" }]));

describe("a vendor, command or input file run together with --api-key", () => {
  const cases: [string, () => string[]][] = [
    ["the vendor", () => ["import", `fullstory --api-key ${key}`, users()]],
    ["the input file", () => ["import", "fullstory", `${users()} --api-key ${key}`]],
    [
      "an input file whose run-together line ends in .ndjson",
      () => ["import", "fullstory", `${users()} --api-key=${key} --report out.ndjson`],
    ],
    ["the command", () => [`import fullstory ${users()} --api-key ${key}`]],
    ["the simulator's vendor", () => ["simulate", `fullstory --api-key ${key}`]],
    ["a vendor with a key after it but no flag", () => ["import", `fullstory ${key}`, users()]],
    ["a command with a key after it but no flag", () => [`import ${key}`]],
    // After `--`, a flag run into its key is a plain argument: the vendor, the simulator's, the command.
    ["a flag after -- as the vendor", () => ["import", "--", `--api-key${key}`, users()]],
    ["a flag after -- as the simulator's vendor", () => ["simulate", "--", `--api-key${key}`]],
    ["a flag after -- as the command", () => ["--", `--api-key${key}`]],
    // And as the input file, which no name tells the format of, or no such file is found by.
    ["a flag after -- as the input file", () => ["import", "fullstory", "--", `--api-key=${key}`]],
    [
      "a flag after -- as the input file of a stated format",
      () => ["import", "fullstory", "--format", "ndjson", "--", `--api-key=${key}`],
    ],
  ];
  for (const [what, argv] of cases) {
    it(`${what}: a usage error without the key`, async () => {
      const result = await cli(argv(), { env });
      expect(result.code).toBe(2);
      // Each error says that it leaves words out, and why: not an error that merely fails to quote them.
      expect(result.stderr).toMatch(/not repeated[^\n]* may hold a credential/);
      expect(result.all).not.toContain(key.slice(4, 14));
    });
  }

  // A folder of that name passes the check that the input can be read, and is refused as a folder.
  it("a flag after -- as the input file, naming a folder that exists: a usage error without the key", async () => {
    // A folder of its own: other tests read every file of the shared one.
    const dir = mkdtempSync(path.join(tmpdir(), "bui-run-together-folder-"));
    const name = `--api-key=${key}.ndjson`;
    mkdirSync(path.join(dir, name));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const result = await cli(["import", "fullstory", "--", name], { env });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/it is a directory/);
      expect(result.all).not.toContain(key.slice(4, 14));
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true });
    }
  });

  // `-`, stdin's name, where the vendor or command goes (one left out) is neither an option after `--` nor
  // a credential: it was said to be both.
  it.each([
    [["import", "-", "users.csv"], "unknown vendor -: use one of"],
    [["simulate", "-"], "unknown vendor -: use one of"],
    [["-"], "unknown command -\n"],
  ])("%j: names the - as it is", async (argv, said) => {
    const result = await cli(argv, { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(said);
  });

  // A known flag as the start of a word is no flag: `--journal.csv`, `-h2.csv`.
  it.each([
    "my users.csv",
    "Q3 users --final.csv",
    "Plan -A users.csv",
    "Q3 --journal.csv",
    "Plan -h2.csv",
  ])(
    "an input file whose name has blanks (%s), or words that start with a dash, is still named",
    async (name) => {
      const result = await cli(["import", "fullstory", path.join(path.dirname(users()), name)]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${name}: no such file`);
    },
  );
});

it("a short flag after a blank in an argument is refused as run together, the argument not repeated", async () => {
  const result = await cli(["import", "fullstory", `${users()} -h`]);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain("argument 3 holds -h after a blank");
  expect(result.stderr).not.toContain(users());
});

it("the argument is numbered as the shell numbers it, a flag before it counted ($4)", async () => {
  const result = await cli(["import", "--dry-run", "fullstory", `${users()} -h`]);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain("argument 4 holds -h after a blank");
});

describe("a flag that takes any text, run together with --api-key", () => {
  for (const flag of ["base-url", "report", "journal"]) {
    it(`--${flag}: refused before anything is sent or made, without the key`, async () => {
      const sim = createFullStorySimulator({ processingPolls: 0 });
      const { url } = await serve(sim);
      const dir = path.dirname(users());
      const given: Record<string, string> = {
        "base-url": `${url}/`,
        report: path.join(dir, `report-${flag}.ndjson`),
        journal: path.join(dir, `journal-${flag}.journal`),
      };
      const before = readdirSync(dir);
      const flags = Object.entries(given).map(([name, value]) =>
        name === flag ? `--${name}=${value} --api-key=${key}` : `--${name}=${value}`,
      );
      const result = await cli(["import", "fullstory", users(), ...flags, ...FAST_POLL], { env });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--${flag}`);
      expect(result.all).not.toContain(key.slice(4, 14));
      expect(totalRequests(sim)).toBe(0);
      expect(readdirSync(dir)).toEqual(before);
      for (const made of readdirSync(dir)) {
        const at = path.join(dir, made);
        if (existsSync(at)) expect(readFileSync(at, "utf8")).not.toContain(key.slice(4, 14));
      }
    });
  }
});
