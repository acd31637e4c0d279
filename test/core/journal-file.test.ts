// Reading a journal file: a file that is not a journal of bulk-user-import is refused naming the file and the
// line, and is left exactly as it was (a torn last line is cut off only in a real journal); a journal of
// another run is refused with the same error type, so a caller can tell it from a vendor's failure.
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { Journal, JournalError, type JournalHeader } from "../../src/core/engine/journal.js";
import { journalFile } from "../support/journal-file.js";

const HEADER: JournalHeader = { vendor: "fullstory", chunkRecords: 10, maxBytes: null };
const headerLine = JSON.stringify({ kind: "header", ...HEADER });

/** Writes `text` to a fresh journal path, opens it, and returns what Journal.open threw. */
function refusal(text: string): { error: unknown; file: string } {
  const file = journalFile("journal-file");
  writeFileSync(file, text);
  try {
    Journal.open(file, HEADER).close();
  } catch (error) {
    expect(readFileSync(file, "utf8")).toBe(text);
    return { error, file };
  }
  throw new Error("Journal.open accepted the file");
}

function expectRefused(text: string, line: number, problem: RegExp): void {
  const { error, file } = refusal(text);
  expect(error).toBeInstanceOf(JournalError);
  const message = (error as Error).message;
  expect(message).toContain(`journal ${file}: not a journal of bulk-user-import: line ${line}: `);
  expect(message).toMatch(problem);
}

const users = () =>
  Array.from({ length: 3 }, () =>
    JSON.stringify({ uid: faker.string.uuid(), email: faker.internet.email() }),
  )
    .join("\n")
    .concat("\n");

describe("Journal.open on a file that is not a journal", () => {
  it("an NDJSON file of users: line 1 has no kind", () => {
    expectRefused(users(), 1, /kind is missing, not header, account, state or done/);
  });

  it("a CSV file: line 1 is not JSON", () => {
    expectRefused(`uid,email\n${faker.string.uuid()},${faker.internet.email()}\n`, 1, /not JSON/);
  });

  it("a one-line file without a final newline is not taken for a torn line and emptied", () => {
    expectRefused(JSON.stringify([{ uid: faker.string.uuid() }]), 1, /not a journal line/);
  });

  // The last line, without its newline, used to be cut off as a torn write whenever it began `{"kind":"`.
  it("a one-line JSON file of another kind, without a final newline, is refused and left as it is", () => {
    const deployment = JSON.stringify({
      kind: "Deployment",
      metadata: { name: faker.word.noun() },
    });
    expectRefused(deployment, 1, /kind is "Deployment"/);
  });

  it("a journal whose last line, without its newline, is not a journal's is refused, left as it is", () => {
    const state = JSON.stringify({ kind: "state", seq: 0, fingerprint: "f", state: {} });
    const outcome = JSON.stringify({ kind: "outcome", index: 0, key: "a", outcome: "imported" });
    expectRefused(`${headerLine}\n${state}\n${outcome}`, 3, /kind is "outcome"/);
    expectRefused(`${headerLine}\n${state}\n{"kind":"outcome","ind`, 3, /not a journal line/);
    expectRefused(`${headerLine}\n{"kind":"header","ven`, 2, /not a journal line/);
  });

  it("a line of another kind than header, state or done is refused, not read as a finished chunk", () => {
    const outcome = JSON.stringify({ kind: "outcome", index: 0, key: "a", outcome: "imported" });
    expectRefused(`${headerLine}\n${outcome}\n`, 2, /kind is "outcome"/);
  });

  it("a line of a known kind with the wrong shape names its line", () => {
    const state = JSON.stringify({ kind: "state", seq: 0, fingerprint: "f", state: {} });
    const done = (outcomes: unknown) =>
      JSON.stringify({ kind: "done", seq: 0, fingerprint: "f", outcomes });
    expectRefused(`${headerLine}\n${state}\n${done(undefined)}\n`, 3, /outcomes are not a list/);
    expectRefused(`${headerLine}\n${done([[1], [0, "code"]])}\n`, 2, /outcomes are not a list/);
    expectRefused(`${headerLine}\n{"kind":"state","seq":-1}\n`, 2, /without a chunk number/);
    expectRefused(
      `${headerLine}\n{"kind":"state","seq":0,"fingerprint":"f","state":{"k":1}}\n`,
      2,
      /state is not an object of strings/,
    );
    expectRefused(`{"kind":"header","vendor":"fullstory"}\n`, 1, /without chunkRecords/);
    expectRefused(`${headerLine}\n[1,2]\n`, 2, /not a JSON object/);
  });

  it("state lines without a header first are refused", () => {
    expectRefused(
      `${JSON.stringify({ kind: "state", seq: 0, fingerprint: "f", state: {} })}\n`,
      1,
      /state line before the header/,
    );
  });

  it("a file of one state line without a newline is refused too, not taken for a journal's torn last line", () => {
    expectRefused(
      JSON.stringify({ kind: "state", seq: 0, fingerprint: "f", state: {} }),
      1,
      /state line before the header/,
    );
  });
});

describe("Journal.open on a journal", () => {
  it("reads every kind of line and outcome it writes", () => {
    const file = journalFile("journal-file");
    const journal = Journal.open(file, HEADER);
    journal.checkpoint(0, "f0", { job: "j-1" });
    journal.done(0, "f0", [
      { ok: true },
      { ok: true, id: "u-1" },
      { ok: true, note: "already there" },
      { ok: false, code: "invalid", reason: "bad email" },
    ]);
    journal.close();

    const again = Journal.open(file, HEADER);

    expect(again.lookup(0)).toEqual({
      fingerprint: "f0",
      state: { job: "j-1" },
      outcomes: [
        { ok: true },
        { ok: true, id: "u-1" },
        { ok: true, note: "already there" },
        { ok: false, code: "invalid", reason: "bad email" },
      ],
    });
  });

  it("goes on writing after a line holding characters beyond ASCII (a vendor's reason in another language)", () => {
    // The file's length is counted in bytes: counted in characters, the next write would take the journal for
    // one another process wrote, and stop the run.
    const file = journalFile("journal-file");
    const journal = Journal.open(file, HEADER);
    const reason = "adresse e-mail invalide : « é » — 無効なメール";
    journal.done(0, "f0", [{ ok: false, code: "invalid", reason }]);
    journal.checkpoint(1, "f1", { job: "j-2" });
    journal.done(1, "f1", [{ ok: true, id: "u-2" }]);
    journal.close();

    const again = Journal.open(file, HEADER);
    expect(again.lookup(0)?.outcomes).toEqual([{ ok: false, code: "invalid", reason }]);
    expect(again.lookup(1)).toEqual({
      fingerprint: "f1",
      state: { job: "j-2" },
      outcomes: [{ ok: true, id: "u-2" }],
    });
  });

  it("a chunk's state saved in steps is resumed whole: the job id does not drop the idempotency key", () => {
    const file = journalFile("journal-file");
    const journal = Journal.open(file, HEADER);
    journal.checkpoint(0, "f0", { idempotencyKey: "k-1", keySavedAt: "2026-01-01T00:00:00Z" });
    journal.checkpoint(0, "f0", { jobId: "j-1" });
    journal.checkpoint(0, "f0", { keySavedAt: "" });
    journal.close();

    expect(Journal.open(file, HEADER).lookup(0)).toEqual({
      fingerprint: "f0",
      state: { idempotencyKey: "k-1", keySavedAt: "", jobId: "j-1" },
    });
  });

  it("a journal whose only line was torn by a crash is started again", () => {
    const file = journalFile("journal-file");
    writeFileSync(file, headerLine.slice(0, 12));

    Journal.open(file, HEADER).close();

    expect(readFileSync(file, "utf8")).toBe(`${headerLine}\n`);
  });

  it("a torn last line after complete ones is cut off", () => {
    const file = journalFile("journal-file");
    const first = Journal.open(file, HEADER);
    first.checkpoint(0, "f0", { job: "j-1" });
    first.close();
    const whole = readFileSync(file, "utf8");
    appendFileSync(file, '{"kind":"done","seq":0,"finge');

    Journal.open(file, HEADER).checkpoint(1, "f1", {});

    expect(readFileSync(file, "utf8")).toBe(
      `${whole}${JSON.stringify({ kind: "state", seq: 1, fingerprint: "f1", state: {} })}\n`,
    );
  });

  it("a last line whole but for its newline is read, and the next line starts on a line of its own", () => {
    const file = journalFile("journal-file");
    const first = Journal.open(file, HEADER);
    first.checkpoint(0, "f0", { job: "j-1" });
    first.done(0, "f0", [{ ok: true, id: "u-0" }]);
    first.close();
    const written = readFileSync(file, "utf8");
    writeFileSync(file, written.slice(0, -1));

    const again = Journal.open(file, HEADER);
    again.checkpoint(1, "f1", {});
    again.close();

    const state = JSON.stringify({ kind: "state", seq: 1, fingerprint: "f1", state: {} });
    expect(readFileSync(file, "utf8")).toBe(`${written}${state}\n`);
    const third = Journal.open(file, HEADER);
    try {
      expect(third.lookup(0)).toMatchObject({ outcomes: [{ ok: true, id: "u-0" }] });
    } finally {
      third.close();
    }
  });

  it("a journal of other settings is a JournalError naming both runs", () => {
    const file = journalFile("journal-file");
    Journal.open(file, HEADER).close();

    expect(() => Journal.open(file, { ...HEADER, chunkRecords: 5 })).toThrow(JournalError);
    expect(() => Journal.open(file, { ...HEADER, vendor: "userpilot" })).toThrow(
      /written by a fullstory import in chunks of 10; this run is a userpilot import/,
    );
  });

  it("a journal whose chunks were cut by another byte limit says so, and how to finish the import", () => {
    const file = journalFile("journal-file");
    // Earlier versions cut Userpilot's bodies at 52418789 bytes: an operator who upgraded
    // mid-import is told which version finishes it, and that a new journal sends every record again.
    Journal.open(file, { ...HEADER, maxBytes: 52_418_789 }).close();

    const refused = () => Journal.open(file, { ...HEADER, maxBytes: 52_428_800 });
    expect(refused).toThrow(
      "in chunks of 10 and bodies of at most 52418789 bytes; this run is a fullstory import in chunks of 10 and bodies of at most 52428800 bytes",
    );
    expect(refused).toThrow(
      "another version of bulk-user-import, or another body limit), so finish the import with that version (or limit) and this journal, or start a new journal, which sends every record again",
    );
  });
});

describe("a journal's memory does not grow with the input", () => {
  const outcomes = () => [
    { ok: true as const, id: faker.string.uuid() },
    { ok: false as const, code: "invalid", reason: faker.lorem.sentence() },
  ];

  it("outcomes recorded in this run are written, not kept: nothing looks this run's chunks up again", () => {
    const file = journalFile("journal-file");
    const journal = Journal.open(file, HEADER);
    journal.checkpoint(0, "f0", { job: "j-0" });
    journal.done(0, "f0", outcomes());
    journal.done(1, "f1", outcomes());

    expect(journal.lookup(0)).toEqual({ fingerprint: "f0", state: { job: "j-0" } });
    expect(journal.lookup(1)).toBeUndefined();
    expect(readFileSync(file, "utf8").match(/"kind":"done"/g)).toHaveLength(2);
  });

  it("outcomes read for a resume are handed out once; the chunk's state stays for other chunks", () => {
    const file = journalFile("journal-file");
    const first = Journal.open(file, HEADER);
    const recorded = outcomes();
    first.checkpoint(0, "f0", { job: "j-0" });
    first.done(0, "f0", recorded);
    first.close();

    const resumed = Journal.open(file, HEADER);

    expect(resumed.lookup(0)).toEqual({
      fingerprint: "f0",
      state: { job: "j-0" },
      outcomes: recorded,
    });
    expect(resumed.lookup(0)).toEqual({ fingerprint: "f0", state: { job: "j-0" } });
    expect(resumed.values("job")).toEqual(["j-0"]);
  });

  it("values of a key prefix are those of keys starting with it, not of keys holding it further on", () => {
    // Userpilot saves a range's first send under `sent<range>` and a send after a lost one under
    // `resent<range>`; its search for a lost job counts other chunks' first sends only.
    const file = journalFile("journal-file");
    const first = Journal.open(file, HEADER);
    first.checkpoint(0, "f0", { sent: "2026-01-01T00:00:00Z" });
    first.checkpoint(1, "f1", { "sent:0-2": "2026-01-01T00:01:00Z" });
    first.checkpoint(1, "f1", { "resent:0-2": "2026-01-01T00:02:00Z" });
    first.close();

    const resumed = Journal.open(file, HEADER);
    try {
      expect(resumed.values("sent")).toEqual(["2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z"]);
      expect(resumed.values("resent")).toEqual(["2026-01-01T00:02:00Z"]);
    } finally {
      resumed.close();
    }
  });
});

describe("a journal holds only scrubbed text", () => {
  const secret = faker.string.alphanumeric({ length: 32 });
  const scrub = (text: string) => text.replaceAll(secret, "[REDACTED]");

  it("a checkpointed job id echoing a secret is scrubbed on disk, kept as it is for this run", () => {
    const file = journalFile("journal-file");
    const journal = Journal.open(file, HEADER, { scrub });
    const jobId = `job-Bearer-${secret}`;

    journal.checkpoint(0, "f0", { jobId });
    journal.done(0, "f0", [{ ok: false, code: "failed", reason: `job ${jobId} failed` }]);
    journal.close();

    expect(readFileSync(file, "utf8")).not.toContain(secret);
    // Other chunks of this run compare job ids against the one the vendor gave.
    expect(journal.values("jobId")).toEqual([jobId]);
    // On a resume the scrubbed id is not the job's: the vendor answers 404 for it, a lost job.
    expect(Journal.open(file, HEADER, { scrub }).lookup(0)).toEqual({
      fingerprint: "f0",
      state: { jobId: "job-Bearer-[REDACTED]" },
      outcomes: [{ ok: false, code: "failed", reason: "job job-Bearer-[REDACTED] failed" }],
    });
  });
});
