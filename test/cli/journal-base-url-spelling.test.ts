// A journal resumed with its base URL spelled otherwise (`HTTP://127.0.0.1:4010/.` for
// `http://127.0.0.1:4010`: fetch sends both to the same place) resumes, also after a rotated key. It was
// refused as another destination, whose advice, a new journal, would have sent every record again.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createFullStorySimulator } from "../../src/testing/index.js";
import {
  FAST_POLL,
  cli,
  fullStoryUsers,
  ndjson,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-journal-url-spelling-");
const serve = useServedSimulators();

/** The same base URL as `url` (`http://127.0.0.1:<port>`), spelled as a person might type it. */
const respelled = (url: string) => `${url.replace("http://", "HTTP://")}/.`;

/** A FullStory import of 6 users in chunks of 3 with `key`, journaled, to the base URL `url`. */
const importArgs = (
  input: string,
  journal: string,
  url: string,
  key: string,
  ...more: string[]
) => [
  ...["import", "fullstory", input, "--base-url", url, "--api-key", key, ...FAST_POLL],
  ...["--journal", journal, "--chunk-size", "3", ...more],
];

describe("a journal resumed with its base URL spelled otherwise", () => {
  it("resumes: every record from the journal, nothing sent again", async () => {
    const sim = createFullStorySimulator({ apiKey: "key-one" });
    const { url } = await serve(sim);
    const input = file("users.ndjson", ndjson(fullStoryUsers(6)));
    const journal = file("run.journal");
    expect((await cli(importArgs(input, journal, url, "key-one"))).code).toBe(0);

    const again = await cli(importArgs(input, journal, respelled(url), "key-one"));

    expect(again.stderr).not.toContain("start a new journal");
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /6 imported, 0 failed, 0 rejected \(0 chunks sent or followed up, 0 replayed, 2 resumed/,
    );
    expect(sim.stats().requests["POST /v2/users/batch"]).toBe(2);
  });

  it("after a rotated key, stated with --journal-account-was, resumes too", async () => {
    const sim = createFullStorySimulator({ apiKey: "key-one" });
    const { url } = await serve(sim);
    const input = file("users-rotated.ndjson", ndjson(fullStoryUsers(6, "rot")));
    const journal = file("rotated.journal");
    expect((await cli(importArgs(input, journal, url, "key-one"))).code).toBe(0);
    const header = JSON.parse(readFileSync(journal, "utf8").split("\n")[0] ?? "") as {
      destination: string;
    };
    const account = header.destination.split(" ")[1] ?? "";
    sim.rotateKey("key-two");

    const again = await cli(
      importArgs(input, journal, respelled(url), "key-two", "--journal-account-was", account),
    );

    expect(again.stderr).not.toContain("start a new journal");
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /6 imported, 0 failed, 0 rejected \(0 chunks sent or followed up, 0 replayed, 2 resumed/,
    );
  });

  it("another port is still another destination: refused, exit 2", async () => {
    const { url } = await serve(createFullStorySimulator({ apiKey: "key-one" }));
    const other = await serve(createFullStorySimulator({ apiKey: "key-one" }));
    const input = file("users-other.ndjson", ndjson(fullStoryUsers(3, "oth")));
    const journal = file("other.journal");
    expect((await cli(importArgs(input, journal, url, "key-one"))).code).toBe(0);

    const again = await cli(importArgs(input, journal, respelled(other.url), "key-one"));

    expect(again.code).toBe(2);
    expect(again.stderr).toContain("its outcomes say nothing about this destination");
  });
});
