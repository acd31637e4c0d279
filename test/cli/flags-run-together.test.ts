// Several flags given as ONE argument (a quoted "$OPTS" in a shell script, one string in a container's or a CI
// job's argument list): the value of a tuning flag then holds the rest of the line, --api-key and its key
// included. The usage error must say which flag is wrong without printing the key to stderr (CI logs).
import { describe, expect, it } from "vitest";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { cli, ndjson, useTempDir } from "./helpers.js";

const faker = seededFaker("secrets3 flags run together");
const file = useTempDir("bui-secrets3-");

describe("flags run together into one argument", () => {
  const key = `na1.${faker.string.alphanumeric({ length: 32 })}`;
  const users = () => file("users.ndjson", ndjson([{ uid: "u-1", email: "a@example.com" }]));
  const cases: [string, string, string[]][] = [
    ["a whole-number flag", "fullstory", [`--concurrency=4 --api-key=${key}`]],
    ["a whole-number flag (space before the key)", "fullstory", [`--retries=2 --api-key ${key}`]],
    ["a duration flag", "fullstory", [`--request-timeout=30s --api-key=${key}`]],
    ["an environment", "userpilot", [`--environment=analytex --api-key=${key}`]],
    ["an unknown option", "fullstory", [`--chunk-size 100 --api-key ${key}`]],
  ];
  for (const [what, vendor, flags] of cases) {
    it(`${what}: a usage error naming the flag, without the key`, async () => {
      const result = await cli(["import", vendor, users(), ...flags], {
        env: { FULLSTORY_API_KEY: "other", USERPILOT_API_KEY: "other" },
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /--(concurrency|retries|request-timeout|environment|chunk-size)/,
      );
      expect(result.all).not.toContain(key.slice(4, 14));
    });
  }
});

describe("a flag run into its value with no blank or = (--api-key$KEY), the key in the environment", () => {
  // parseArgs quotes such an unknown option whole, key and all, and a key given only on the command line is
  // one no scrub knows: the flag is named by the known flag it starts with, the rest not repeated.
  const key = `na1.${faker.string.alphanumeric({ length: 32 })}`;
  for (const env of [{ FULLSTORY_API_KEY: key }, {}])
    it(`a usage error naming the flag's start, without the key (${Object.keys(env).length === 0 ? "not " : ""}in the environment)`, async () => {
      const users = file("users-joined.ndjson", ndjson([{ uid: "u-1", email: "a@example.com" }]));
      const result = await cli(["import", "fullstory", users, `--api-key${key}`], { env });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        "unknown option --api-key… (a flag run into its value? write --api-key=<value> or --api-key <value>;",
      );
      expect(result.all).not.toContain(key.slice(4, 14));
    });

  // The flag misspelt as the did-you-mean forgives (case, `_` for `-`, a `-` left out): such a name with the
  // key run into it was quoted whole, as no flag is its exact start.
  for (const spelt of ["--api_key", "--ApiKey", "--API-KEY"])
    it(`${spelt}$KEY: named as --api-key, without the key`, async () => {
      const users = file("users-misspelt.ndjson", ndjson([{ uid: "u-1", email: "a@example.com" }]));
      const result = await cli(["import", "fullstory", users, `${spelt}${key}`], { env: {} });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("unknown option --api-key… (a flag run into its value?");
      expect(result.all).not.toContain(key.slice(4, 14));
    });

  // A quoted "$OPTS" whose first flag lacks its blank: the first word, which an argument of several is
  // named by, is the flag and the key, which it quoted whole.
  const runTogether: [string, string][] = [
    [`--api-key${key} --dry-run`, "unknown option --api-key… (a flag run into its value?"],
    [`--api-kye${key} --journal run.journal`, "unknown option --api-ky… (did you mean --api-key,"],
  ];
  for (const [arg, named] of runTogether)
    it(`"${arg.split(key).join("$KEY")}", one argument: named by the flag's start, without the key`, async () => {
      const users = file("users-opts.ndjson", ndjson([{ uid: "u-1", email: "a@example.com" }]));
      const result = await cli(["import", "fullstory", users, arg], { env: {} });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(named);
      expect(result.all).not.toContain(key.slice(4, 14));
    });
});

describe("a mistyped flag run into its value (--api-kye$KEY)", () => {
  // No known flag starts it, so it was quoted whole, key and all: its start a letter or two off a value flag
  // is quoted, with the flag meant, and the rest not repeated.
  const key = `na1.${faker.string.alphanumeric({ length: 32 })}`;
  const cases: [string, string, string, string][] = [
    ["fullstory", "--api-kye", "--api-ky", "--api-key"],
    ["fullstory", "--apikye", "--apiky", "--api-key"],
    ["userpilot", "--api-ky", "--api-ky", "--api-key"],
    ["propeller", "--client-secert", "--client-sece", "--client-secret"],
    // Two letters swapped, the commonest slip: as two changes, a short flag's was out of reach.
    ["propeller", "--cleint-id", "--cleint-id", "--client-id"],
    ["slashid", "--ogr-id", "--ogr-id", "--org-id"],
    ["fullstory", "--aip-key", "--aip-key", "--api-key"],
  ];
  for (const [vendor, typed, start, meant] of cases)
    it(`${typed}$KEY: named by ${start}…, ${meant} meant, without the key`, async () => {
      const users = file("users-mistyped.ndjson", ndjson([{ uid: "u-1", email: "a@example.com" }]));
      const result = await cli(["import", vendor, users, `${typed}${key}`], { env: {} });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `unknown option ${start}… (did you mean ${meant}, run into its value? write ${meant}=<value>`,
      );
      expect(result.all).not.toContain(key.slice(4, 14));
    });

  // No flag is near, but a credential's word is: a guessed name with the credential run into it.
  for (const [typed, start] of [
    ["--token", "--token"],
    ["--secret", "--secret"],
    ["--fullstory-api-key", "--fullstory-api-key"],
    ["--Key", "--Key"],
  ])
    it(`${typed}$KEY: named by ${start}…, without the key`, async () => {
      const users = file("users-guessed.ndjson", ndjson([{ uid: "u-1", email: "a@example.com" }]));
      const result = await cli(["import", "fullstory", users, `${typed}${key}`], { env: {} });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`unknown option ${start}… (a value run into it?`);
      expect(result.all).not.toContain(key.slice(4, 14));
    });

  // A credential word's plural (`--keys`, `--secrets-file`) is a flag's name guessed: a lone `s` is no key.
  for (const word of [
    ...["--format-version", "--verbose", "--api-key-file", "--monkey"],
    ...["--keys", "--tokens", "--secrets-file"],
  ])
    it(`${word}, a word a flag's name may go on to or none is near, is quoted whole`, async () => {
      const users = file("users-longer.ndjson", ndjson([{ uid: "u-1", email: "a@example.com" }]));
      const result = await cli(["import", "fullstory", users, word]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`unknown option ${word}\n`));
    });
});

describe("a switch (a flag taking no value) with a letter more: --dry-runs", () => {
  // It was named as a flag run into its value, `--dry-run…`, with `write --dry-run=<value>`, which the CLI
  // refuses for a switch: the name is quoted whole, as no value can be run into it, with the flag meant.
  const cases: [string, string][] = [
    ["--dry-runs", "--dry-run"],
    ["--sole-importers", "--sole-importer"],
  ];
  for (const [typed, meant] of cases)
    it(`${typed}: quoted whole, ${meant} meant`, async () => {
      const users = file("users-switch.ndjson", ndjson([{ uid: "u-1", email: "a@example.com" }]));
      const result = await cli(["import", "fullstory", users, typed]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`unknown option ${typed} (did you mean ${meant}?)\n`);
    });
});
