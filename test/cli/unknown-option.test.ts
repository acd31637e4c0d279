// An unknown option is a usage error (exit 2) that names it in the CLI's words and, for a flag mistyped (a
// separator left out, a letter off), the flag meant: Node's own text asked for `--` before a positional
// argument, which a typo never is.
import { describe, expect, it } from "vitest";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { cli, ndjson, useTempDir } from "./helpers.js";

const file = useTempDir("bui-unknown-option-");
const users = () => file("users.ndjson", ndjson([{ uid: "u-1", email: "a@example.com" }]));

describe("import with an unknown option", () => {
  const cases: [string, string][] = [
    ["--chunksize", "--chunk-size"],
    ["--Chunk_Size", "--chunk-size"],
    ["--journl", "--journal"],
  ];
  for (const [typed, meant] of cases)
    it(`${typed}: exit 2, "did you mean ${meant}?"`, async () => {
      const result = await cli(["import", "fullstory", users(), typed, "2"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`unknown option ${typed} (did you mean ${meant}?)`);
      expect(result.stderr).not.toContain("positional argument");
    });

  it("a value given with = is not repeated, only the option's name", async () => {
    const result = await cli(["import", "fullstory", users(), "--apikey=na1.not-repeated"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option --apikey (did you mean --api-key?)");
    expect(result.all).not.toContain("not-repeated");
  });

  it("the guess is one of the command's own flags, as another's would be refused next", async () => {
    const simulate = await cli(["simulate", "fullstory", "--retry-after-ms", "2"]);
    expect(simulate.code).toBe(2);
    expect(simulate.stderr).toContain(
      "unknown option --retry-after-ms (did you mean --retry-after?)",
    );
    // --retry-after is simulate's: an import is given no guess rather than a flag it refuses.
    const imported = await cli(["import", "fullstory", users(), "--retry-after-ms", "2"]);
    expect(imported.code).toBe(2);
    expect(imported.stderr).toMatch(/unknown option --retry-after-ms\n/);
  });

  it("a name that starts near another command's flag is not taken for it run into a value", async () => {
    // `--user` is a letter off the demo's --users: an import was told `--user… (did you mean --users, run
    // into its value?)`, a flag it refuses, and `Agent` hidden as if it were a key.
    const result = await cli(["import", "fullstory", users(), "--userAgent", "bui/1.0"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option --userAgent\n/);
    expect(result.stderr).not.toContain("--users");
  });

  it("another command's flag run into a value is hidden as one, and not offered", async () => {
    // `--users`, the demo's: an import was told `write --users=<value>`, which it refuses next.
    const result = await cli(["import", "fullstory", users(), "--users500"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "unknown option --users… (another command's flag, run into a value?",
    );
    expect(result.stderr).not.toContain("--users=");
    expect(result.stderr).not.toContain("500");
    // The demo, whose flag it is, is offered it; so is a command line naming no command, whose flags are
    // no other command's.
    for (const argv of [["demo", "--users500"], ["--users500"]]) {
      const offered = await cli(argv);
      expect(offered.code).toBe(2);
      expect(offered.stderr).toContain("write --users=<value> or --users <value>");
    }
  });

  it("an option like none of the CLI's is named alone, with no guess", async () => {
    const result = await cli(["import", "fullstory", users(), "--colour"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option --colour\n/);
  });
});

describe("an unknown option near no flag, holding no credential word, a key run into it", () => {
  // `--auth$KEY`, `--pat$KEY`: parseArgs quotes it whole, and no scrub knows a key given on the command
  // line alone. No start of it is shown (a key's own first letters may read as words: `sk_live_`), only
  // where it is.
  const faker = seededFaker("an unknown option with a key run into it");
  const hex = () => faker.string.hexadecimal({ length: 40, casing: "lower", prefix: "" });
  const stripe = `sk_live_${faker.string.alphanumeric(24)}`;
  const fullstory = `na1.${faker.string.alphanumeric(10)}/${faker.string.numeric(5)}`;
  const jwt = `eyJhbGciOiJIUzI1NiJ9.${faker.string.alphanumeric(40)}.${faker.string.alphanumeric(20)}`;
  const base64 = Buffer.from(faker.string.alphanumeric(20)).toString("base64");
  const words = (count: number, min: number, max: number) =>
    Array.from({ length: count }, () => faker.word.sample({ length: { min, max } })).join("-");
  const passphrase = seededFaker("a passphrase run together");
  const runTogether = Array.from({ length: 3 }, () =>
    passphrase.word.sample({ length: { min: 8, max: 9 } }).toLowerCase(),
  ).join("");
  const cases: [string, string][] = [
    ["--auth", stripe],
    ["--pat", fullstory],
    ["--pass", hex()],
    ["--bearer", jwt],
    ["--cred", fullstory],
    ["--pw", hex()],
    // Its first letters run into the name's: `--authabc` would show `abc`.
    ["--auth", "abc123XYZdef456"],
    ["--old-auth", hex()],
    // A key of letters alone, too long a run for a word; a PIN, too long a number to end one.
    ["--auth", faker.string.alpha(32)],
    ["--pin", faker.string.numeric({ length: 8, allowLeadingZeros: false })],
    // A passphrase of words: past 40 characters, or of more words than a flag's name has.
    ["--pass", words(5, 7, 9)],
    ["--pw", words(7, 3, 4)],
    // Or of words run together: one word past 20 letters, in a name of 40 or fewer.
    ["--pw", runTogether],
    // `--$FLAG=$KEY` with FLAG unset: parseArgs cuts no name at a leading `=`.
    ["--=", stripe],
    // A key's base64 padding: parseArgs names the part before the `=`, the key but its padding.
    ["--bearer", base64],
  ];
  for (const [typed, key] of cases)
    it(`${typed}$KEY (${key.slice(0, 3)}…): named by its place, without the key`, async () => {
      const result = await cli(["import", "fullstory", users(), `${typed}${key}`], { env: {} });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        "unknown option --… in argument 4 (a flag run into its value? write --<flag>=<value> or " +
          "--<flag> <value>; the argument is not repeated here, as it may hold a credential)\n",
      );
      expect(result.all).not.toContain(key.slice(0, 3));
      expect(result.all).not.toContain(key.replace(/=+$/, "").slice(-10));
    });

  it("one argument of words, the first a key run into a name: named by its place", async () => {
    const result = await cli(
      ["import", "fullstory", "--dry-run", users(), `--auth${stripe} --journal run.journal`],
      { env: {} },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option --… in argument 5 (a flag run into its value?");
    expect(result.all).not.toContain(stripe.slice(0, 3));
    expect(result.all).not.toContain(stripe.slice(-10));
  });

  it("a credential word with letters run into it is named to that word, as before", async () => {
    const password = faker.string.alpha({ length: 12, casing: "lower" });
    const result = await cli(["import", "fullstory", users(), `--password${password}`], {
      env: {},
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option --password… (a value run into it?");
    expect(result.all).not.toContain(`--password${password.slice(0, 3)}`);
  });

  // A credential word the key's letters spell by chance (about 1 random key of 32 characters in 1,000 holds
  // `key` in some case): the name to it was shown, the key's start with it.
  const spelling: [string, string][] = [
    ["--auth", `na1.${faker.string.alphanumeric(6)}Key${faker.string.alphanumeric(8)}/12345`],
    ["--pat", `4eC39HqTOKEN${faker.string.alphanumeric(16)}`],
  ];
  for (const [typed, key] of spelling)
    it(`${typed}$KEY, the key spelling a credential word: named by its place`, async () => {
      const result = await cli(["import", "fullstory", users(), `${typed}${key}`], { env: {} });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        "unknown option --… in argument 4 (a flag run into its value?",
      );
      expect(result.all).not.toContain(key.slice(0, 3));
    });

  // A key whose own public prefix is a credential word and a separator (Mailgun's `key-`): the name to that
  // word, `--authkey…`, said what the rest is a key to, and the operator typed no `key`.
  it("--auth$KEY, the key's prefix a credential word and a separator: named by its place", async () => {
    const random = seededFaker("a Mailgun key").string.alphanumeric({
      length: 32,
      casing: "lower",
    });
    const mailgun = `key-${random}`;
    const result = await cli(["import", "fullstory", users(), `--auth${mailgun}`], { env: {} });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option --… in argument 4 (a flag run into its value?");
    expect(result.all).not.toContain("--authkey");
    expect(result.all).not.toContain(random.slice(0, 4));
  });

  // A base64url key with no digit (1.7% of those of 24 characters): words of letters between its `-` and
  // `_`, each short enough for a word, in cases no word has.
  it("--pw$KEY, the key letters and separators alone: named by its place", async () => {
    const faker = seededFaker("a base64url key with no digit");
    const token = `${faker.string.alpha(11)}-${faker.string.alpha(6)}_${faker.string.alpha(7)}`;
    const result = await cli(["import", "fullstory", users(), `--pw${token}`], { env: {} });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option --… in argument 4 (a flag run into its value?");
    expect(result.all).not.toContain(token.slice(0, 4));
    expect(result.all).not.toContain(token.slice(-4));
  });

  it("a key given with `=` is not repeated, and the name before it is quoted whole", async () => {
    const result = await cli(["import", "fullstory", users(), `--auth=${stripe}`], { env: {} });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown option --auth\n/);
    expect(result.all).not.toContain(stripe.slice(0, 3));
  });

  // A name of words, a digit or two ending one or a number for one, is a mistake to show as typed.
  const harmless: [string, string | undefined][] = [
    ["--passive", undefined],
    ["--secret-hunter", undefined],
    ["--verbose", undefined],
    ["--ipv6", undefined],
    ["--http2", undefined],
    ["--v2", undefined],
    ["--fault-500", undefined],
    ["--noColor", undefined],
    ["--use_proxy", undefined],
    ["-x", undefined],
    ["--dryrun", "--dry-run"],
    ["--reprot", "--report"],
    ["--api-kye", "--api-key"],
  ];
  for (const [typed, meant] of harmless)
    it(`${typed}: quoted whole${meant === undefined ? "" : `, ${meant} meant`}`, async () => {
      const result = await cli(["import", "fullstory", users(), typed]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `unknown option ${typed}${meant === undefined ? "" : ` (did you mean ${meant}?)`}\n`,
      );
    });

  it("a name of words given as one argument with more words is quoted, as before", async () => {
    const result = await cli(["import", "fullstory", users(), "--auth --dry-run"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "unknown option --auth followed by more words in the same argument (flags run together",
    );
  });
});
