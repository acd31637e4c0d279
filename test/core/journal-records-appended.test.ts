// Records appended to an input whose last chunk was not full make that chunk another one, which the journal
// refuses. "Start a new journal" with that input would send every record again: the refusal says which
// records were added, so that the operator imports those alone under a new journal.
import { describe, expect, it } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import { JournalError } from "../../src/core/engine/journal.js";
import { journalFile } from "../support/journal-file.js";
import { importEvery, testAdapter } from "../support/test-adapter.js";

const users = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `u${i}` }));

type User = { id: string; valid?: false };

async function refusalOfRerun(first: User[], second: User[], tag: string) {
  const journal = journalFile(tag);
  const adapter = testAdapter<User>(importEvery, {
    validate: (record) =>
      record.valid === false
        ? { ok: false, problems: [{ rule: "test.invalid", message: "invalid" }] }
        : { ok: true, item: record },
  });
  await runImport(adapter, first, { journal, chunkRecords: 4 });
  const error = await runImport(adapter, second, { journal, chunkRecords: 4 }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(JournalError);
  return (error as Error).message;
}

describe("a re-run with records appended after a last chunk that was not full", () => {
  it("names the first record added and says to import the added records under a new journal", async () => {
    // Chunks of four: [u0..u3] [u4 u5] were settled; now the last chunk is [u4 u5 u6 u7].
    const message = await refusalOfRerun(users(6), users(8), "appended");
    expect(message).toContain("chunk 1 holds different records than in the run that wrote it");
    expect(message).toContain("then records that run did not send (added at the input's end");
    expect(message).toContain("import those (from record 6 on) under a new journal");
  });

  // Nothing was added: the last record, rejected by that run, is valid now; the advice is the same, and the
  // message must not say records were added.
  it("a last record that run rejected and that is valid now: named as one that run did not send", async () => {
    const rejected = [...users(5), { id: "u5", valid: false as const }];
    const message = await refusalOfRerun(rejected, users(6), "fixed-last");
    expect(message).toContain("or rejected by that run and valid now");
    expect(message).toContain("import those (from record 5 on) under a new journal");
  });

  it("a last chunk of other records (an edit, not an append) keeps the general refusal", async () => {
    const edited = [...users(4), { id: "x4" }, ...users(8).slice(5)];
    const message = await refusalOfRerun(users(6), edited, "edited");
    expect(message).toContain("resume with the same input");
    expect(message).not.toContain("did not send");
  });
});
