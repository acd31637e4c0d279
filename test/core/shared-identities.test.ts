// Where an adapter says who is the same user by identities (`identitiesOf`), a record sharing identities with
// several earlier records is told of the one its first shared identity names.
import { describe, expect, it } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import { matching } from "../support/matchers.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { importEvery, testAdapter } from "../support/test-adapter.js";

interface Person {
  id: string;
  handles: string[];
}

const adapter = testAdapter<Person>(importEvery, {
  identitiesOf: (person: Person) => person.handles,
});

describe("a record sharing identities with two earlier records", () => {
  it.each([
    [["h1", "h2"], 0],
    [["h2", "h1"], 1],
  ])("with identities %j is told of record %i, which holds the first", async (handles, earlier) => {
    const input: Person[] = [
      { id: "a", handles: ["h1"] },
      { id: "b", handles: ["h2"] },
      { id: "c", handles },
    ];
    const report = await runImport(adapter, input);

    expectEveryRecordOnce(report, 3);
    expect(report.outcomes[2]).toMatchObject({
      outcome: "imported",
      warning: matching(
        new RegExp(
          `^record ${earlier} of the input is the same user at test \\(they share an identity\\)`,
        ),
      ),
    });
  });
});
