// A base URL may hold a credential in its path (a gateway that routes by key: `https://gw.example/<key>/`).
// The journal names its destination by base URL, and a journal of another destination is refused naming
// both: neither the file nor that error may hold the key.
import { readFileSync, writeFileSync } from "node:fs";
import { expect, it } from "vitest";
import { JournalError } from "../../src/core/engine/journal.js";
import * as fullstory from "../../src/fullstory/index.js";
import * as propeller from "../../src/propeller/index.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { journalFile } from "../support/journal-file.js";
import { expectNoSecret } from "./leaks.js";

const faker = seededFaker("base url secret in journal");

// No record is sent: the journal's header is written when the run opens it.
const none: never[] = [];

/** A FullStory key, and a client for `host` behind a gateway that takes that key in its path. */
function keyInPath() {
  const apiKey = `na1.${faker.string.alphanumeric({ length: 40 })}`;
  const client = (host: string) =>
    fullstory.createFullStoryClient({ apiKey, baseUrl: `http://${host}/gw/${apiKey}` });
  return { apiKey, client };
}

/** A resume of `journal` by `client`, and the refusal of another destination's import with it. */
async function resumedAndRefused(
  client: ReturnType<typeof keyInPath>["client"],
  journal: string,
): Promise<unknown> {
  await expect(fullstory.importUsers(client("127.0.0.1:9"), none, { journal })).resolves.toEqual(
    expect.objectContaining({ total: 0 }),
  );
  const refused = await fullstory
    .importUsers(client("127.0.0.2:9"), none, { journal })
    .catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(JournalError);
  return refused;
}

it("FullStory: a key in the base URL's path is in neither the journal nor its refusal", async () => {
  const { apiKey, client } = keyInPath();
  const journal = journalFile("fullstory-base-url");

  await fullstory.importUsers(client("127.0.0.1:9"), none, { journal });
  expectNoSecret(readFileSync(journal, "utf8"), [apiKey]);
  // The same destination is still recognised as the same on a resume; another is refused.
  const refused = await resumedAndRefused(client, journal);
  expect(String(refused)).toMatch(/127\.0\.0\.1:9\/gw\/.*127\.0\.0\.2:9\/gw\//);
  expectNoSecret(refused, [apiKey]);
});

it("FullStory: a journal an earlier version wrote with the key in its destination is resumed, and no refusal shows the key", async () => {
  const { apiKey, client } = keyInPath();
  const journal = journalFile("fullstory-base-url-earlier");
  await fullstory.importUsers(client("127.0.0.1:9"), none, { journal });
  // Before the destination was redacted, the journal's header held the key as the base URL did.
  writeFileSync(journal, readFileSync(journal, "utf8").replace("[REDACTED]", apiKey));

  expectNoSecret(await resumedAndRefused(client, journal), [apiKey]);
});

it("FullStory: such a journal of an earlier key is refused by a run with another, without showing that key", async () => {
  const earlier = keyInPath();
  const journal = journalFile("fullstory-base-url-rotated");
  await fullstory.importUsers(earlier.client("127.0.0.1:9"), none, { journal });
  writeFileSync(journal, readFileSync(journal, "utf8").replace("[REDACTED]", earlier.apiKey));
  // The key was rotated: this run knows only the new one, so scrubbing cannot take the earlier one out.
  const rotated = keyInPath();

  const refused = await fullstory
    .importUsers(rotated.client("127.0.0.1:9"), none, { journal })
    .catch((error: unknown) => error);

  expect(refused).toBeInstanceOf(JournalError);
  expect(String(refused)).toContain("http://127.0.0.1:9");
  expectNoSecret(refused, [earlier.apiKey, rotated.apiKey]);
});

it.each([
  ["a query, with no path", (old: string) => `http://127.0.0.1:9?key=${old}`],
  ["a fragment, with no path", (old: string) => `http://127.0.0.1:9#${old}`],
  [
    "a password, with this run's path",
    (old: string) => `http://gw:${old}@127.0.0.1:9/gw/[REDACTED]`,
  ],
  ["a password, with no path", (old: string) => `http://gw:${old}@127.0.0.1:9`],
  // The slash ends the host early, where a port may stand: `gw:` and the password's digits up to it.
  [
    "a password holding a slash",
    (old: string) => `http://gw:${old.length}2024/${old}@127.0.0.1:9/gw`,
  ],
])(
  "FullStory: a journal an earlier version wrote with a credential in its base URL's %s is refused without it",
  async (_, earlierUrl) => {
    // Earlier versions let a base URL carry a query or fragment (before those were refused), or a user name
    // and password: the credential there is none this run knows, so scrubbing cannot take it out.
    const old = faker.string.alphanumeric({ length: 32 });
    const { apiKey, client } = keyInPath();
    const journal = journalFile("fullstory-base-url-authority");
    await fullstory.importUsers(client("127.0.0.1:9"), none, { journal });
    const header = readFileSync(journal, "utf8");
    expect(header).toContain("http://127.0.0.1:9/gw/[REDACTED] ");
    writeFileSync(
      journal,
      header.replace("http://127.0.0.1:9/gw/[REDACTED] ", `${earlierUrl(old)} `),
    );

    const refused = await fullstory
      .importUsers(client("127.0.0.1:9"), none, { journal })
      .catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(JournalError);
    expect(String(refused)).toContain("was written by an import to ");
    expectNoSecret(refused, [`${old.length}2024/${old}`, apiKey]);
  },
);

it("Propeller: a client secret in the base URL's path is not in the journal", async () => {
  const clientSecret = faker.string.alphanumeric({ length: 32 });
  const client = propeller.createPropellerClient({
    clientId: "crm-importer",
    clientSecret,
    baseUrl: `http://127.0.0.1:9/${clientSecret}`,
  });
  const journal = journalFile("propeller-base-url");

  await propeller.importUsers(client, none, { journal });
  const text = readFileSync(journal, "utf8");
  expectNoSecret(text, [clientSecret]);
  expect(text).toContain("client:crm-importer");
});
