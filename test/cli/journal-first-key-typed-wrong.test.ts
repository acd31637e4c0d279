// A first journaled run with a key typed wrong: FullStory refuses it (401), but the journal's header names
// that key's account already. The run with the right key is refused as after a rotation, and the refusal and
// --help must say that the statement fits this case too (the journal's runs used a credential the vendor
// refused), not only a credential rotated since; stated, the run imports every user once.
import { expect, it } from "vitest";
import { USAGE } from "../../src/cli/run.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import { expectNoSecret } from "../hostile/leaks.js";
import {
  FAST_POLL,
  cli,
  fullStoryUsers,
  ndjson,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-first-key-typed-wrong-");
const serve = useServedSimulators();
const RIGHT = "Kx7Qw2Lm9Pz4Rt8V";
const TYPED = "Kx7Qw2Lm9Pz4Rt8B";
const CASE = "(a credential rotated since, or one the vendor refused, such as a key typed wrong)";

it("the right key after a first run with a key typed wrong: the refusal offers the statement", async () => {
  const sim = createFullStorySimulator({ processingPolls: 0, apiKey: RIGHT });
  const { url } = await serve(sim);
  const input = file("users.ndjson", ndjson(fullStoryUsers(10, "tw")));
  const journal = file("typed-wrong.journal");
  const argv = (key: string, ...more: string[]) => [
    ...["import", "fullstory", input, "--base-url", url, "--api-key", key, ...FAST_POLL],
    ...["--chunk-size", "5", "--journal", journal, ...more],
  ];
  const typo = await cli(argv(TYPED));
  expect(typo.code).toBe(3);
  expect(sim.stats().users).toBe(0);

  const right = await cli(argv(RIGHT));

  expect(right.code).toBe(2);
  const account = /re-run with --journal-account-was (key:\w+) \(/.exec(right.stderr)?.[1];
  expect(account).toBeDefined();
  expect(right.stderr).toContain(
    `; or, if the journal's runs used ${account!} for this run's account ${CASE}, ` +
      `re-run with --journal-account-was ${account!} (journalAccountWas in the library)`,
  );
  expect(USAGE.replace(/\s+/g, " ")).toContain(
    "--journal-account-was <account> where the journal's runs used another credential for the same " +
      "account (rotated since, or one the vendor refused, such as a key typed wrong): the account",
  );
  const resumed = await cli(argv(RIGHT, "--journal-account-was", account!));
  expect(resumed.code).toBe(0);
  expect(resumed.stdout).toMatch(/^fullstory: 10 records: 10 imported, 0 failed, 0 rejected/);
  expect(sim.stats().users).toBe(10);
  for (const text of [typo.all, right.all, resumed.all]) expectNoSecret(text, [RIGHT, TYPED]);
});
