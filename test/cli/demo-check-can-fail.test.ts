// The demo's claim, "the report says exactly what the vendors hold", is a check that can fail: FullStory
// records that are one user there (each of the same uid), each reported imported, make it say so and exit 1,
// without claiming that each failure was a refusal of the vendor's.
import { PassThrough } from "node:stream";
import { text } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { demoCommand, loadDemoFixtures } from "../../src/cli/demo-command.js";

/** The demo's fixtures, but every FullStory record is the same user. */
async function oneFullStoryUser() {
  const fixtures = await loadDemoFixtures();
  const fullStory = fixtures.get("fullstory");
  if (fullStory === undefined) throw new Error("no FullStory fixtures");
  return new Map([
    ...fixtures,
    ["fullstory", { ...fullStory, record: () => fullStory.record("demo-same") }],
  ]);
}

describe("demo: the check that the report says what the vendors hold", () => {
  it("fails, exit 1, when an import reports more users imported than the vendor holds", async () => {
    const stdout = new PassThrough();
    const said = text(stdout);
    const code = await demoCommand(
      6,
      stdout as unknown as NodeJS.WriteStream,
      new PassThrough() as unknown as NodeJS.WriteStream,
      undefined,
      oneFullStoryUser,
    );
    stdout.end();
    const out = await said;
    expect(code).toBe(1);
    expect(out).toContain("the report and what the vendors hold disagree: that is a bug\n");
    expect(out).not.toContain("(each one refused by the vendor)");
  });
});
