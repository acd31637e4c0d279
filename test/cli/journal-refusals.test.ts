// A --journal the run cannot use is a usage error (exit 2) that names the journal and what is wrong with it,
// before anything of it is trusted: a file that is not a journal (left as it was), or a journal of a run with
// another vendor or other settings.
import { readFileSync } from "node:fs";
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import {
  cli,
  fullStoryUsers,
  ndjson,
  totalRequests,
  useServedSimulators,
  servedFullStory,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-journal-refusals-");
const serve = useServedSimulators();

const fullStory = () => servedFullStory(serve);

describe("import --journal with a file that is not a journal", () => {
  for (const [name, text] of [
    ["other-users.ndjson", ndjson(fullStoryUsers(2, "other"))],
    ["notes.txt", `${faker.lorem.sentence()}\n`],
    ["no-newline.json", JSON.stringify([{ uid: faker.string.uuid() }])],
  ] as const) {
    it(`${name}: exit 2 naming the journal and its line, nothing sent, the file unchanged`, async () => {
      const { sim, base } = await fullStory();
      const input = file(`for-${name}.ndjson`, ndjson(fullStoryUsers(3, "nj")));
      const journal = file(name, text);

      const result = await cli(["import", "fullstory", input, ...base, "--journal", journal]);

      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `journal ${journal}: not a journal of bulk-user-import: line 1: `,
      );
      expect(result.stderr).not.toContain("Cannot read properties");
      expect(readFileSync(journal, "utf8")).toBe(text);
      expect(totalRequests(sim)).toBe(0);
    });
  }
});

describe("import --journal with a journal of another run", () => {
  it("other settings (--chunk-size) or another vendor: exit 2 with the reason, nothing sent", async () => {
    const { sim, base } = await fullStory();
    const input = file("o.ndjson", ndjson(fullStoryUsers(3, "o")));
    const journal = file("other.journal");
    expect((await cli(["import", "fullstory", input, ...base, "--journal", journal])).code).toBe(0);
    const sent = totalRequests(sim);

    const smaller = await cli([
      "import",
      "fullstory",
      input,
      ...base,
      "--journal",
      journal,
      "--chunk-size",
      "2",
    ]);
    const userpilot = await cli(["import", "userpilot", input, ...base, "--journal", journal]);

    expect(smaller.code).toBe(2);
    expect(smaller.stderr).toContain(`journal ${journal} was written by a fullstory import`);
    expect(smaller.stderr).toContain("use the same settings (and version) or a new journal");
    expect(userpilot.code).toBe(2);
    expect(userpilot.stderr).toContain("this run is a userpilot import");
    expect(totalRequests(sim)).toBe(sent);
  });
});
