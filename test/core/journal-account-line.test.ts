// A journal resumed after a credential was rotated (`accountWas`) gets an account line naming the new
// account once the vendor accepted the credential (`credentialAccepted`): read back, it is the journal's
// destination, the chunks recorded before it are marked as sent under the old credential, and a torn account
// line is cut off as any torn line is. A reader of the version before
// account lines refuses such a journal by the line's kind (`its kind is "account", not header, state or
// done`): it never reads the journal as the old account's.
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Journal, JournalError, type JournalHeader } from "../../src/core/engine/journal.js";
import { journalFile, journalLines, journalWithChunkOut } from "../support/journal-file.js";

const BASE = "https://api.example.com";
const header = (account: string): JournalHeader => ({
  vendor: "fullstory",
  chunkRecords: 10,
  maxBytes: null,
  destination: `${BASE} ${account}`,
});
const OLD = header("key:aaaaaaaaaaaa");
const NEW = header("key:bbbbbbbbbbbb");

/** `file` resumed by a run to `run` stating `was`, the vendor having accepted the run's credential. */
function accepted(file: string, run: JournalHeader, was: string): Journal {
  const journal = Journal.open(file, run, { accountWas: was });
  journal.credentialAccepted();
  return journal;
}

/** A journal of OLD with chunk 0 settled and chunk 1 out (its state saved, no outcomes). */
const journalOfOld = () => journalWithChunkOut(OLD, "account-line");

describe("a journal's account line", () => {
  it("stated, the journal names the new account; its chunks say they were sent under the old one", () => {
    const file = journalOfOld();
    const resumed = Journal.open(file, NEW, { accountWas: "key:aaaaaaaaaaaa" });
    expect(resumed.lookup(1)).toEqual({
      fingerprint: "f1",
      state: { key: "k1" },
      rotatedSince: true,
    });
    resumed.credentialAccepted();
    resumed.close();
    expect(journalLines(file).at(-1)).toEqual({ kind: "account", account: "key:bbbbbbbbbbbb" });

    const later = Journal.open(file, NEW);
    expect(later.lookup(0)).toMatchObject({ outcomes: [{ ok: true }], rotatedSince: true });
    expect(later.lookup(1)?.rotatedSince).toBe(true);
    later.close();
    expect(() => Journal.open(file, OLD)).toThrow(JournalError);
  });

  it("a chunk first recorded after the account line is not marked", () => {
    const file = journalOfOld();
    const journal = accepted(file, NEW, "key:aaaaaaaaaaaa");
    journal.checkpoint(2, "f2", { key: "k2" });
    journal.close();
    const later = Journal.open(file, NEW);
    expect(later.lookup(2)).toEqual({ fingerprint: "f2", state: { key: "k2" } });
    later.close();
  });

  it("a torn account line (a crash as it was written) is cut off: the journal still names the old account", () => {
    const file = journalOfOld();
    const before = readFileSync(file, "utf8");
    writeFileSync(file, `${before}{"kind":"account","acc`);
    expect(() => Journal.open(file, NEW)).toThrow(
      /re-run with --journal-account-was key:aaaaaaaaaaaa/,
    );
    accepted(file, NEW, "key:aaaaaaaaaaaa").close();
    expect(journalLines(file).at(-1)).toEqual({ kind: "account", account: "key:bbbbbbbbbbbb" });
  });

  it("an account line in a journal whose header names no account is no journal's", () => {
    const file = journalFile("account-line-no-destination");
    const text = `${JSON.stringify({ kind: "header", ...OLD, destination: undefined })}\n${JSON.stringify({ kind: "account", account: "key:bbbbbbbbbbbb" })}\n`;
    writeFileSync(file, text);
    expect(() => Journal.open(file, NEW)).toThrow(
      /line 2: an account line in a journal without an account/,
    );
    expect(readFileSync(file, "utf8")).toBe(text);
  });
});

describe("a journal's account, where a base URL holds a blank (fetch sends it as %20)", () => {
  /** A journal of `from` with chunk 0 out, and the refusal a run to `to` without a statement meets. */
  function journalAndRefusal(from: string, to: string) {
    const file = journalFile("account-line-blank");
    const journal = Journal.open(file, header("key:aaaaaaaaaaaa"));
    journal.checkpoint(0, "f0", { key: "k0" });
    journal.close();
    const text = readFileSync(file, "utf8").replace(`${BASE} key:aaaaaaaaaaaa`, from);
    writeFileSync(file, text);
    const run = { ...NEW, destination: to };
    let refusal = "";
    try {
      Journal.open(file, run).close();
    } catch (error) {
      refusal = (error as Error).message;
    }
    return { file, text, run, refusal };
  }

  it("a journal of https://…/a b is not offered to, nor taken by, a run to https://…/a by stating 'b key:…'", () => {
    const { file, text, run, refusal } = journalAndRefusal(
      `${BASE}/a b key:aaaaaaaaaaaa`,
      `${BASE}/a key:bbbbbbbbbbbb`,
    );
    expect(refusal).toContain("start a new journal");
    expect(refusal).not.toContain("--journal-account-was");
    expect(() => Journal.open(file, run, { accountWas: "b key:aaaaaaaaaaaa" })).toThrow(
      JournalError,
    );
    expect(readFileSync(file, "utf8")).toBe(text);
  });

  it("a journal of https://…/a is not taken by a run to https://…/a b by stating the journal's account", () => {
    const { file, text, run } = journalAndRefusal(
      `${BASE}/a key:aaaaaaaaaaaa`,
      `${BASE}/a b key:bbbbbbbbbbbb`,
    );
    expect(() => Journal.open(file, run, { accountWas: "key:aaaaaaaaaaaa" })).toThrow(JournalError);
    expect(readFileSync(file, "utf8")).toBe(text);
  });

  it("a Propeller client id holding a blank is an account like any other: rotated from when stated", () => {
    const { file, run, refusal } = journalAndRefusal(
      `${BASE} client:first client`,
      `${BASE} client:second client`,
    );
    expect(refusal).toContain("re-run with --journal-account-was client:first client (");
    accepted(file, run, "client:first client").close();
    expect(journalLines(file).at(-1)).toEqual({ kind: "account", account: "client:second client" });
  });
});

describe("a journal's account lines, over several runs", () => {
  const THIRD = header("key:cccccccccccc");

  it("rotated twice (A, B, C): each statement names the account the journal names last; every chunk recorded before the last line is marked", () => {
    const file = journalOfOld();
    const second = accepted(file, NEW, "key:aaaaaaaaaaaa");
    second.checkpoint(2, "f2", { key: "k2" });
    second.close();
    const afterSecond = readFileSync(file, "utf8");

    // The first account is no longer the journal's: stating it is refused, and the file left as it was.
    expect(() => Journal.open(file, THIRD, { accountWas: "key:aaaaaaaaaaaa" })).toThrow(
      /names the account key:bbbbbbbbbbbb, not the one/,
    );
    expect(() => Journal.open(file, THIRD)).toThrow(
      /re-run with --journal-account-was key:bbbbbbbbbbbb \(/,
    );
    expect(readFileSync(file, "utf8")).toBe(afterSecond);

    const third = accepted(file, THIRD, "key:bbbbbbbbbbbb");
    third.checkpoint(3, "f3", { key: "k3" });
    third.close();
    expect(journalLines(file).filter((line) => line["kind"] === "account")).toEqual([
      { kind: "account", account: "key:bbbbbbbbbbbb" },
      { kind: "account", account: "key:cccccccccccc" },
    ]);

    const later = Journal.open(file, THIRD);
    for (const seq of [1, 2]) expect(later.lookup(seq)?.rotatedSince).toBe(true);
    expect(later.lookup(3)).toEqual({ fingerprint: "f3", state: { key: "k3" } });
    later.close();
    for (const old of [OLD, NEW]) expect(() => Journal.open(file, old)).toThrow(JournalError);
  });

  it("a chunk recorded before the account line and checkpointed again after it stays marked", () => {
    const file = journalOfOld();
    const resumed = accepted(file, NEW, "key:aaaaaaaaaaaa");
    resumed.checkpoint(1, "f1", { job: "j1" });
    resumed.close();

    const later = Journal.open(file, NEW);
    expect(later.lookup(1)).toEqual({
      fingerprint: "f1",
      state: { key: "k1", job: "j1" },
      rotatedSince: true,
    });
    later.close();
  });

  it("a torn account line: a run refused (no statement) leaves it on disk as it was", () => {
    const file = journalOfOld();
    const torn = `${readFileSync(file, "utf8")}{"kind":"account","acc`;
    writeFileSync(file, torn);
    expect(() => Journal.open(file, NEW)).toThrow(JournalError);
    expect(() => Journal.open(file, NEW, { accountWas: "key:000000000000" })).toThrow(JournalError);
    expect(readFileSync(file, "utf8")).toBe(torn);
  });
});

describe("a statement made to a journal that names this run's account already", () => {
  it("stating the account it names now (not one it named before) is refused without claiming it never named it", () => {
    const file = journalOfOld();
    accepted(file, NEW, "key:aaaaaaaaaaaa").close();
    expect(() => Journal.open(file, NEW, { accountWas: "key:bbbbbbbbbbbb" })).toThrow(
      /names this run's destination already \(https:\/\/api\.example\.com key:bbbbbbbbbbbb\), and named no other account before as --journal-account-was/,
    );
  });
});

it.each([
  ["empty", ""],
  ["of blank lines", "\n\n"],
])("a journal file %s holds no account to state: refused, and left as it was", (_, text) => {
  // As a journal that does not exist: the statement is checked against nothing, and the file named may
  // not be the journal of the import the operator means to resume.
  const file = journalFile("account-line-empty");
  writeFileSync(file, text);
  expect(() => Journal.open(file, NEW, { accountWas: "key:aaaaaaaaaaaa" })).toThrow(
    /holds no import yet, so there is no account it names/,
  );
  expect(readFileSync(file, "utf8")).toBe(text);
});

describe("a journal whose account is an org id (SlashID's), not a credential", () => {
  it("another org is never offered nor taken as a rotation: an org id is the account itself", () => {
    const org = (id: string): JournalHeader => ({ ...header(`org:${id}`), vendor: "slashid" });
    const file = journalFile("account-line-org");
    Journal.open(file, org("first")).close();
    const text = readFileSync(file, "utf8");
    let refusal = "";
    try {
      Journal.open(file, org("second")).close();
    } catch (error) {
      refusal = (error as Error).message;
    }
    expect(refusal).toContain("start a new journal");
    expect(refusal).not.toContain("--journal-account-was");
    expect(() => Journal.open(file, org("second"), { accountWas: "org:first" })).toThrow(
      JournalError,
    );
    expect(readFileSync(file, "utf8")).toBe(text);
  });
});
