// Two runs on one journal must not both hold it, also when one names it through a symbolic link to the file
// (a link to its folder: journal-lock.test.ts): a lock beside the link would let both runs send every chunk
// and record each other's lines. A lock left empty by a run killed before it wrote its pid must not block
// every later run.
import { existsSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import { Journal, JournalError, type JournalHeader } from "../../src/core/engine/journal.js";
import { journalFile } from "../support/journal-file.js";
import { whileARunSends } from "../support/test-adapter.js";

const HEADER: JournalHeader = { vendor: "test", chunkRecords: 2, maxBytes: null };

function opened(file: string): Journal | JournalError {
  try {
    return Journal.open(file, HEADER);
  } catch (error) {
    if (error instanceof JournalError) return error;
    throw error;
  }
}

describe("a journal named through a symbolic link to its file", () => {
  it("is refused while another run holds the journal by its own name, and the other way round", () => {
    const file = journalFile("lock-link");
    const link = path.join(path.dirname(file), "link.journal");
    symlinkSync(file, link);

    const first = Journal.open(file, HEADER);
    const second = opened(link);
    if (second instanceof Journal) second.close();
    first.close();

    expect(second).toBeInstanceOf(JournalError);
    expect((second as JournalError).message).toContain(`journal ${link} is in use`);

    const byLink = Journal.open(link, HEADER);
    const byName = opened(file);
    if (byName instanceof Journal) byName.close();
    byLink.close();
    expect(byName).toBeInstanceOf(JournalError);
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect(existsSync(`${link}.lock`)).toBe(false);
  });

  it("a link to a journal no run has created yet is locked as the journal it names", () => {
    const file = journalFile("lock-link");
    const link = path.join(path.dirname(file), "dangling.journal");
    symlinkSync(file, link);

    const first = Journal.open(link, HEADER);
    const second = opened(file);
    if (second instanceof Journal) second.close();
    first.close();

    expect(second).toBeInstanceOf(JournalError);
  });

  it("a relative link to a journal no run has created yet is locked as the journal beside it", () => {
    const file = journalFile("lock-link");
    const link = path.join(path.dirname(file), "relative.journal");
    symlinkSync(path.basename(file), link);

    const first = Journal.open(link, HEADER);
    const second = opened(file);
    if (second instanceof Journal) second.close();
    first.close();

    expect(second).toBeInstanceOf(JournalError);
  });

  it("runImport: a run on the link while a run on the file is sending is refused and sends nothing", async () => {
    const journal = journalFile("lock-link");
    const link = path.join(path.dirname(journal), "link.journal");
    symlinkSync(journal, link);
    const users = Array.from({ length: 4 }, () => ({ id: faker.string.uuid() }));

    const { second, sent } = await whileARunSends(journal, users, (adapter) =>
      runImport(adapter, users, { journal: link }),
    );

    expect(second).toBeInstanceOf(JournalError);
    expect(sent).toBe(0);
  });
});

describe("a lock file left empty (a run killed between creating it and writing its pid, or a power loss)", () => {
  it("is taken over once it is older than a run takes to write it; a fresh one is still refused", () => {
    const file = journalFile("lock-empty");
    writeFileSync(`${file}.lock`, "");

    expect(opened(file)).toBeInstanceOf(JournalError);

    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, old, old);
    const journal = opened(file);
    expect(journal).toBeInstanceOf(Journal);
    (journal as Journal).close();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it("one holding what names no run (not a lock of ours) is refused however old, and left in place", () => {
    const file = journalFile("lock-foreign");
    const text = faker.lorem.sentence();
    writeFileSync(`${file}.lock`, text);
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(`${file}.lock`, old, old);

    const refused = opened(file);
    if (refused instanceof Journal) refused.close();

    expect(refused).toBeInstanceOf(JournalError);
    expect((refused as JournalError).message).toContain(`journal ${file} is in use by another run`);
    expect(readFileSync(`${file}.lock`, "utf8")).toBe(text);
  });

  it("is taken over when it was left in what is now the future (the wall clock set back an hour since)", () => {
    const file = journalFile("lock-empty-future");
    writeFileSync(`${file}.lock`, "");
    const ahead = new Date(Date.now() + 3_600_000);
    utimesSync(`${file}.lock`, ahead, ahead);
    const journal = opened(file);
    expect(journal).toBeInstanceOf(Journal);
    (journal as Journal).close();
  });
});
