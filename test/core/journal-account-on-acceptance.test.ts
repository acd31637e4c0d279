// A journal resumed after a credential was rotated (`accountWas`, `journalAccountWas`) names the new account
// only once the vendor accepted the credential: a mistyped one the vendor refuses (401) is never recorded, so
// the right one is resumed with the same statement, not refused for naming the mistyped one's account. Until
// then the journal names the old account, so a run that ends first, however it ends (killed, too), leaves a
// journal the same statement resumes again.
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ChunkResult, ImportAdapter } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import { Journal, JournalError, type JournalHeader } from "../../src/core/engine/journal.js";
import { ApiError } from "../../src/core/errors/api-error.js";
import { SecretSet } from "../../src/core/errors/secrets.js";
import { journalFile, journalLines, journalWithChunkOut } from "../support/journal-file.js";
import { importEvery, testAdapter } from "../support/test-adapter.js";

const BASE = "https://api.example.com";
const OLD_ACCOUNT = "key:aaaaaaaaaaaa";
const NEW_ACCOUNT = "key:bbbbbbbbbbbb";
const header = (account: string): JournalHeader => ({
  vendor: "test",
  chunkRecords: 2,
  maxBytes: null,
  destination: `${BASE} ${account}`,
});
const OLD = header(OLD_ACCOUNT);
const NEW = header(NEW_ACCOUNT);
const STATED = { accountWas: OLD_ACCOUNT };

/** A journal of OLD with chunk 0 settled and chunk 1 out (its state saved, no outcomes). */
const journalOfOld = () => journalWithChunkOut(OLD, "account-on-acceptance");
const accountLines = (file: string) =>
  journalLines(file).filter((line) => line["kind"] === "account");

describe("a journal resumed with a statement, before the vendor accepted the credential", () => {
  it("names the old account still: a run that ends there is refused without the statement, resumed with it", () => {
    const file = journalOfOld();
    const before = readFileSync(file, "utf8");

    const refusedByVendor = Journal.open(file, NEW, STATED);
    expect(refusedByVendor.accountPending).toBe(true);
    refusedByVendor.close();

    expect(readFileSync(file, "utf8")).toBe(before);
    expect(() => Journal.open(file, NEW)).toThrow(
      /re-run with --journal-account-was key:aaaaaaaaaaaa \(/,
    );
    const again = Journal.open(file, NEW, STATED);
    again.credentialAccepted();
    expect(again.accountPending).toBe(false);
    again.close();
    expect(accountLines(file)).toEqual([{ kind: "account", account: NEW_ACCOUNT }]);
    Journal.open(file, NEW).close();
    expect(() => Journal.open(file, OLD)).toThrow(JournalError);
  });

  it("a chunk it recorded first, before the vendor accepted, is the new account's (newChunks); an earlier one stays marked", () => {
    const file = journalOfOld();
    const journal = Journal.open(file, NEW, STATED);
    journal.checkpoint(1, "f1", { job: "j1" });
    journal.checkpoint(2, "f2", { key: "k2" });
    journal.credentialAccepted();
    journal.checkpoint(3, "f3", { key: "k3" });
    journal.close();

    expect(accountLines(file)).toEqual([{ kind: "account", account: NEW_ACCOUNT, newChunks: [2] }]);
    const later = Journal.open(file, NEW);
    expect(later.lookup(1)?.rotatedSince).toBe(true);
    expect(later.lookup(2)).toEqual({ fingerprint: "f2", state: { key: "k2" } });
    expect(later.lookup(3)).toEqual({ fingerprint: "f3", state: { key: "k3" } });
    later.close();
  });

  it("a chunk a run ended before acceptance recorded is taken for the old account's by the next statement", () => {
    const file = journalOfOld();
    const killed = Journal.open(file, NEW, STATED);
    killed.checkpoint(2, "f2", { key: "k2" });
    killed.close();

    const next = Journal.open(file, NEW, STATED);
    // Sent under a credential the journal cannot vouch for: its resend says the vendor may hold it twice.
    expect(next.lookup(2)?.rotatedSince).toBe(true);
    next.credentialAccepted();
    next.close();
    expect(accountLines(file)).toEqual([{ kind: "account", account: NEW_ACCOUNT }]);
  });

  it("a chunk settled with a record imported writes the line first; one with failures only does not", () => {
    const file = journalOfOld();
    const journal = Journal.open(file, NEW, STATED);
    journal.checkpoint(2, "f2", { key: "k2" });
    journal.done(2, "f2", [{ ok: false, code: "invalid", reason: "refused" }]);
    expect(journal.accountPending).toBe(true);
    journal.checkpoint(3, "f3", { key: "k3" });
    journal.done(3, "f3", [{ ok: true }]);
    journal.close();

    const kinds = journalLines(file).map((line) => [line["kind"], line["seq"]]);
    expect(kinds.slice(-3)).toEqual([
      ["state", 3],
      ["account", undefined],
      ["done", 3],
    ]);
    expect(accountLines(file)).toEqual([
      { kind: "account", account: NEW_ACCOUNT, newChunks: [2, 3] },
    ]);
  });

  it("accepted twice, one line; accepted without a statement, none", () => {
    const file = journalOfOld();
    const journal = Journal.open(file, NEW, STATED);
    journal.credentialAccepted();
    journal.credentialAccepted();
    journal.close();
    expect(accountLines(file)).toHaveLength(1);
    const unstated = Journal.open(file, NEW);
    expect(unstated.accountPending).toBe(false);
    unstated.credentialAccepted();
    unstated.close();
    expect(accountLines(file)).toHaveLength(1);
  });

  it.each([["[-1]"], ['"2"'], ["[1.5]"], ['["2"]']])(
    "an account line whose newChunks is %s is no journal's",
    (newChunks) => {
      const file = journalOfOld();
      const text = `${readFileSync(file, "utf8")}{"kind":"account","account":"${NEW_ACCOUNT}","newChunks":${newChunks}}\n`;
      writeFileSync(file, text);
      expect(() => Journal.open(file, NEW)).toThrow(
        /an account line whose newChunks is not a list of chunk numbers/,
      );
    },
  );
});

type User = { id: string };
const USERS: User[] = [{ id: "u0" }, { id: "u1" }, { id: "u2" }, { id: "u3" }];
const timedOut = { ok: false, code: "timeout", reason: "no answer", transient: true } as const;

/** The journal of an earlier run under the old key that saved chunk 0's state and got no answer. */
async function earlierRun(): Promise<string> {
  const journal = journalFile("account-on-acceptance-run");
  const adapter = testAdapter<User>(
    (chunk, context) => {
      context.checkpoint({ key: `k${chunk.seq}` });
      return Promise.resolve({ kind: "done", outcomes: chunk.keys.map(() => timedOut) });
    },
    { destination: OLD.destination!, defaults: { chunkRecords: 2, concurrency: 1 } },
  );
  await runImport(adapter, USERS.slice(0, 2), { journal, chunkAttempts: 1 });
  return journal;
}

/** A vendor's word on the credential, as a client gives it: listeners told (once) at `accept()`. */
function credentialWatch() {
  const listeners = new Set<() => void>();
  return {
    listeners,
    accept: () => {
      const told = [...listeners];
      listeners.clear();
      for (const listener of told) listener();
    },
    whenCredentialAccepted: (listener: () => void) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

const fatal401: ChunkResult = {
  kind: "fatal",
  error: ApiError.of(
    { status: 401, body: { message: "unauthorized" }, headers: {} },
    { operation: "op", method: "POST", path: "/x" },
    new SecretSet(),
  ),
};

describe("runImport with journalAccountWas: the account line once the vendor accepted the credential", () => {
  it("the vendor refuses the credential (401): no account line; the same statement resumes with the right one", async () => {
    const journal = await earlierRun();
    const watch = credentialWatch();
    const refused: ImportAdapter<User> = testAdapter<User>(() => Promise.resolve(fatal401), {
      destination: `${BASE} key:cccccccccccc`,
      whenCredentialAccepted: watch.whenCredentialAccepted,
    });

    const report = await runImport(refused, USERS, {
      journal,
      journalAccountWas: OLD_ACCOUNT,
    });

    expect(report.fatal).toContain("401");
    expect(accountLines(journal)).toEqual([]);
    // Dropped once the run ended: a later answer of the client is no word on this run's journal.
    expect(watch.listeners.size).toBe(0);
    const right = testAdapter<User>(
      (chunk) => Promise.resolve({ kind: "done", outcomes: chunk.keys.map(() => ({ ok: true })) }),
      { destination: NEW.destination! },
    );
    const resumed = await runImport(right, USERS, { journal, journalAccountWas: OLD_ACCOUNT });
    expect(resumed.imported).toBe(USERS.length);
    expect(accountLines(journal)).toHaveLength(1);
    expect(accountLines(journal)[0]).toMatchObject({ account: NEW_ACCOUNT });
  });

  it("the adapter's word comes at the first 2xx: the line precedes what the send saves after that answer", async () => {
    const journal = await earlierRun();
    const watch = credentialWatch();
    const adapter = testAdapter<User>(
      (chunk, context) => {
        context.checkpoint({ key: `k${chunk.seq}` });
        watch.accept();
        context.checkpoint({ job: `j${chunk.seq}` });
        // Its job's result never comes: nothing is imported in this run.
        return Promise.resolve({ kind: "done", outcomes: chunk.keys.map(() => timedOut) });
      },
      { destination: NEW.destination!, whenCredentialAccepted: watch.whenCredentialAccepted },
    );

    await runImport(adapter, USERS, {
      journal,
      journalAccountWas: OLD_ACCOUNT,
      chunkAttempts: 1,
    });

    const written = journalLines(journal).map((line) =>
      line["kind"] === "account"
        ? "account"
        : `${String(line["kind"])} ${JSON.stringify(line["state"])}`,
    );
    const account = written.indexOf("account");
    expect(account).toBeGreaterThan(written.indexOf('state {"key":"k0"}'));
    expect(account).toBeLessThan(written.indexOf('state {"key":"k0","job":"j0"}'));
    expect(accountLines(journal)).toEqual([{ kind: "account", account: NEW_ACCOUNT }]);
  });

  it("an adapter that tells: a chunk settled with records imported before its word writes no line", async () => {
    const journal = await earlierRun();
    const watch = credentialWatch();
    // Settled from what an earlier run saved (as Userpilot's finished halves are), without a request.
    const adapter = testAdapter<User>(
      (chunk) => Promise.resolve({ kind: "done", outcomes: chunk.keys.map(() => ({ ok: true })) }),
      { destination: NEW.destination!, whenCredentialAccepted: watch.whenCredentialAccepted },
    );

    const report = await runImport(adapter, USERS, { journal, journalAccountWas: OLD_ACCOUNT });

    expect(report.imported).toBe(USERS.length);
    expect(accountLines(journal)).toEqual([]);
  });

  it("an adapter whose drop of the watch throws: the run has its report and gives up the journal", async () => {
    const journal = await earlierRun();
    const watch = credentialWatch();
    const adapter = testAdapter<User>(importEvery, {
      destination: NEW.destination!,
      whenCredentialAccepted: (listener) => {
        watch.whenCredentialAccepted(listener);
        return () => {
          throw new Error("the adapter's drop broke");
        };
      },
    });

    const report = await runImport(adapter, USERS, { journal, journalAccountWas: OLD_ACCOUNT });

    expect(report.imported).toBe(USERS.length);
    // A word the adapter still gives after the run is no line of it.
    const written = readFileSync(journal, "utf8");
    watch.accept();
    expect(readFileSync(journal, "utf8")).toBe(written);
    // The lock was given up: the next run takes the journal (everything settled, nothing is sent).
    const next = await runImport(
      testAdapter<User>(importEvery, { destination: NEW.destination! }),
      USERS,
      {
        journal,
        journalAccountWas: OLD_ACCOUNT,
      },
    );
    expect(next.chunks.resumed).toBe(2);
  });

  it("an account line that cannot be written stops the run as a checkpoint does: a report, what the vendor said kept", async () => {
    const journal = await earlierRun();
    const watch = credentialWatch();
    const adapter = testAdapter<User>(
      (chunk, context) => {
        context.checkpoint({ key: `k${chunk.seq}` });
        // Another process writes to the journal: its next line cannot be written.
        writeFileSync(journal, `${readFileSync(journal, "utf8")}\n`);
        watch.accept();
        return Promise.resolve({ kind: "done", outcomes: chunk.keys.map(() => ({ ok: true })) });
      },
      { destination: NEW.destination!, whenCredentialAccepted: watch.whenCredentialAccepted },
    );

    const report = await runImport(adapter, USERS, { journal, journalAccountWas: OLD_ACCOUNT });

    expect(report.fatal).toMatch(
      /^the import stopped: journal .* cannot be written: it was replaced, or written by another process/,
    );
    // The vendor's answer to the chunk it accepted stands; the chunk after it was never sent.
    expect(report.outcomes.map((o) => [o.key, o.outcome])).toEqual([
      ["u0", "imported"],
      ["u1", "imported"],
      ["u2", "failed"],
      ["u3", "failed"],
    ]);
    expect(report.outcomes[2]).toMatchObject({ code: "fatal" });
    expect(report.chunks.sent).toBe(1);
    expect(accountLines(journal)).toEqual([]);
  });

  it("an adapter that cannot tell (no whenCredentialAccepted): the line comes with the first record imported", async () => {
    const journal = await earlierRun();
    const adapter = testAdapter<User>(
      (chunk, context) => {
        context.checkpoint({ key: `k${chunk.seq}` });
        const outcomes = chunk.keys.map(() => (chunk.seq === 0 ? timedOut : { ok: true as const }));
        return Promise.resolve({ kind: "done", outcomes });
      },
      { destination: NEW.destination! },
    );

    await runImport(adapter, USERS, {
      journal,
      journalAccountWas: OLD_ACCOUNT,
      chunkAttempts: 1,
    });

    const kinds = journalLines(journal).map(
      (line) => `${String(line["kind"])} ${String(line["seq"])}`,
    );
    expect(kinds.slice(-3)).toEqual(["state 1", "account undefined", "done 1"]);
    expect(accountLines(journal)).toEqual([
      { kind: "account", account: NEW_ACCOUNT, newChunks: [1] },
    ]);
  });
});
