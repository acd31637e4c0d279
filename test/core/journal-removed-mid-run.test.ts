// A journal removed (or put in another file's place) while a run uses it. The next line used to create a
// new file at its path, without a header: the run went on, and every later run refused that file ("a state
// line before the header line"). The run now stops at the first line it cannot add, naming why.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import { journalFile } from "../support/journal-file.js";
import { importEvery, testAdapter } from "../support/test-adapter.js";

const users = () =>
  Array.from({ length: 6 }, () => ({ id: faker.string.uuid(), name: faker.person.fullName() }));

describe("a journal that stops being the file the run opened", () => {
  it.each([
    ["removed", (journal: string) => rmSync(journal)],
    [
      "replaced, or written by another process,",
      (journal: string) => {
        rmSync(journal);
        writeFileSync(journal, "");
      },
    ],
  ])("%s while the run sends: it stops, and writes no line at its path", async (what, change) => {
    const journal = journalFile("journal-removed");
    let sends = 0;
    const adapter = testAdapter<{ id: string; name: string }>((chunk) => {
      sends += 1;
      if (sends === 2) change(journal);
      return importEvery(chunk);
    });

    const report = await runImport(adapter, users(), { journal });

    expect(report.fatal).toContain(
      `journal ${journal} cannot be written: it was ${what} while this run used it`,
    );
    expect(sends).toBe(2);
    // Removed: nothing at its path; replaced: the other file as it was put there.
    const left = existsSync(journal) ? readFileSync(journal, "utf8") : undefined;
    expect(left).toBe(what === "removed" ? undefined : "");
  });
});
