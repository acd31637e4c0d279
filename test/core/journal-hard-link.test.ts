// A hard link names a journal's file under another name, which a lock taken by name cannot see: a run through
// a hard link to a journal in use took a lock of its own, and both runs sent every chunk. A journal with more
// than one name is refused, by either name, and the run through the link sends nothing.
import { existsSync, linkSync, mkdirSync, unlinkSync } from "node:fs";
import path from "node:path";
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import { Journal, JournalError, type JournalHeader } from "../../src/core/engine/journal.js";
import { journalFile } from "../support/journal-file.js";
import { whileARunSends } from "../support/test-adapter.js";

const HEADER: JournalHeader = { vendor: "test", chunkRecords: 2, maxBytes: null };

describe("a journal with a hard link", () => {
  it("runImport: a run through the link while a run on the file is sending is refused and sends nothing", async () => {
    const journal = journalFile("hard-link");
    const other = path.join(path.dirname(journal), "elsewhere");
    mkdirSync(other);
    const link = path.join(other, "link.journal");
    const users = Array.from({ length: 4 }, () => ({ id: faker.string.uuid() }));

    const { second, sent, first } = await whileARunSends(journal, users, (adapter) => {
      linkSync(journal, link);
      return runImport(adapter, users, { journal: link });
    });

    expect(second).toBeInstanceOf(JournalError);
    expect((second as JournalError).message).toBe(
      `journal ${link} cannot be used: it has 2 names (hard links), and a run through another of them would not see this run's lock; keep one name (remove the others, or copy the file)`,
    );
    expect(sent).toBe(0);
    expect(first.imported).toBe(4);
    expect(existsSync(`${link}.lock`)).toBe(false);
  });

  it("is refused by its own name too, and used again once the other name is gone", () => {
    const file = journalFile("hard-link");
    Journal.open(file, HEADER).close();
    const link = `${file}.copy`;
    linkSync(file, link);

    expect(() => Journal.open(file, HEADER)).toThrow(/has 2 names \(hard links\)/);
    expect(existsSync(`${file}.lock`)).toBe(false);

    unlinkSync(link);
    Journal.open(file, HEADER).close();
  });
});
