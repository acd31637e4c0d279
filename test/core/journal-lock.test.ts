// One run at a time on a journal: two runs on one journal would both send every chunk, and each would record
// the other's duplicates ("already exists") as the last word on its chunks. A journal is locked by a sibling
// `<journal>.lock` (pid and host) while a run uses it; a lock a dead run of this host left is taken over.
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { faker } from "@faker-js/faker";
import { describe, expect, it, vi } from "vitest";
import type { ImportAdapter } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import { Journal, JournalError, type JournalHeader } from "../../src/core/engine/journal.js";
import { journalFile } from "../support/journal-file.js";
import { importEvery, testAdapter } from "../support/test-adapter.js";

const HEADER: JournalHeader = { vendor: "test", chunkRecords: 2, maxBytes: null };

function refusal(open: () => unknown): JournalError {
  try {
    open();
  } catch (error) {
    expect(error).toBeInstanceOf(JournalError);
    return error as JournalError;
  }
  throw new Error("Journal.open accepted the journal");
}

/** The pid of a process that has ended. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ["-e", ""]);
  if (pid === undefined) throw new Error("no child process");
  return pid;
}

const lockOf = (pid: number, host: string) => `${JSON.stringify({ pid, host })}\n`;

describe("Journal.open while another run holds the journal", () => {
  it("is refused naming the journal; once the first run closed it, it opens", () => {
    const file = journalFile("journal-lock");
    const first = Journal.open(file, HEADER);

    const error = refusal(() => Journal.open(file, HEADER));

    expect(error.message).toContain(
      `journal ${file} is in use by pid ${process.pid} on ${hostname()} (its lock file ` +
        `${realpathSync(file)}.lock): wait for that run to end or use another journal; if no run ` +
        "uses it, delete the lock file",
    );
    first.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
    Journal.open(file, HEADER).close();
  });

  it("a lock of a live process, or of another host, is refused and left in place", () => {
    const file = journalFile("journal-lock");
    for (const lock of [
      lockOf(process.ppid, hostname()),
      lockOf(deadPid(), faker.internet.domainName()),
    ]) {
      writeFileSync(`${file}.lock`, lock);

      refusal(() => Journal.open(file, HEADER));

      expect(readFileSync(`${file}.lock`, "utf8")).toBe(lock);
      expect(existsSync(file)).toBe(false);
    }
  });

  it("a lock of a process of this host run by another user (not ours to signal) is refused and kept", () => {
    const file = journalFile("journal-lock");
    const lock = lockOf(deadPid(), hostname());
    writeFileSync(`${file}.lock`, lock);
    const kill = vi.spyOn(process, "kill").mockImplementation(() => {
      throw Object.assign(new Error("kill EPERM"), { code: "EPERM", syscall: "kill" });
    });
    try {
      refusal(() => Journal.open(file, HEADER));
    } finally {
      kill.mockRestore();
    }

    expect(readFileSync(`${file}.lock`, "utf8")).toBe(lock);
    expect(existsSync(file)).toBe(false);
  });

  it("a run holding two journals that closes one still holds the other", () => {
    const [kept, closed] = [journalFile("journal-lock"), journalFile("journal-lock")];
    const held = Journal.open(kept, HEADER);
    Journal.open(closed, HEADER).close();

    const error = refusal(() => Journal.open(kept, HEADER));

    expect(error.message).toContain(`journal ${kept} is in use by pid ${process.pid}`);
    held.close();
  });

  it("closing a journal whose lock file another run has put in its place leaves that run's lock", () => {
    const file = journalFile("journal-lock");
    const journal = Journal.open(file, HEADER);
    const other = lockOf(process.ppid, hostname());
    writeFileSync(`${file}.lock`, other);

    journal.close();

    expect(readFileSync(`${file}.lock`, "utf8")).toBe(other);
    refusal(() => Journal.open(file, HEADER));
  });

  it("an unreadable lock file (a directory): a JournalError naming the journal, the folder kept", () => {
    const file = journalFile("journal-lock");
    mkdirSync(`${file}.lock`);

    expect(refusal(() => Journal.open(file, HEADER)).message).toContain(
      `journal ${file}: cannot read its lock file: EISDIR`,
    );
    expect(statSync(`${file}.lock`).isDirectory()).toBe(true);
  });

  it("a lock a dead process of this host left (killed mid-run) is taken over", () => {
    const file = journalFile("journal-lock");
    for (const pid of [deadPid(), process.pid]) {
      // Our own pid on a lock this process does not hold: a process that had this pid before (pid 1 of a
      // restarted container).
      writeFileSync(`${file}.lock`, lockOf(pid, hostname()));

      const journal = Journal.open(file, HEADER);

      expect(JSON.parse(readFileSync(`${file}.lock`, "utf8"))).toMatchObject({
        pid: process.pid,
        host: hostname(),
      });
      journal.close();
    }
  });

  it("is refused when the same journal is named through a linked folder, and the lock stays the first run's", () => {
    const dir = path.dirname(journalFile("journal-lock"));
    const real = path.join(dir, "real");
    const link = path.join(dir, "link");
    mkdirSync(real);
    symlinkSync(real, link);
    const first = Journal.open(path.join(real, "import.journal"), HEADER);
    const lock = readFileSync(path.join(real, "import.journal.lock"), "utf8");

    refusal(() => Journal.open(path.join(link, "import.journal"), HEADER));

    expect(readFileSync(path.join(real, "import.journal.lock"), "utf8")).toBe(lock);
    first.close();
    expect(existsSync(path.join(real, "import.journal.lock"))).toBe(false);
  });
});

describe("Journal.open on a path that cannot be a journal", () => {
  it("a directory, or a file in a folder that does not exist: a JournalError naming it, no lock left", () => {
    const dir = path.join(path.dirname(journalFile("journal-lock")), "a-directory");
    mkdirSync(dir);
    const missing = path.join(dir, "no-such-folder", "import.journal");

    expect(refusal(() => Journal.open(dir, HEADER)).message).toContain(`journal ${dir}`);
    expect(existsSync(`${dir}.lock`)).toBe(false);
    expect(refusal(() => Journal.open(missing, HEADER)).message).toContain(
      `journal ${missing}: its folder ${path.dirname(missing)} does not exist`,
    );
  });
});

describe("runImport gives the journal up however the run ends", () => {
  const adapter = (send: ImportAdapter<{ id: string }>["send"]) => testAdapter(send);
  const users = () => Array.from({ length: 4 }, () => ({ id: faker.string.uuid() }));
  const imported = adapter(importEvery);

  it("a run refuses the journal another run is using, and sends nothing", async () => {
    const journal = journalFile("journal-lock");
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered = () => {};
    const sending = new Promise<void>((resolve) => (entered = resolve));
    const slow = adapter(async (chunk) => {
      entered();
      await gate;
      return { kind: "done", outcomes: chunk.items.map(() => ({ ok: true })) };
    });
    let sent = 0;
    const counting = adapter((chunk, context) => {
      sent += 1;
      return imported.send(chunk, context);
    });

    const first = runImport(slow, users(), { journal });
    await sending;
    await expect(runImport(counting, users(), { journal })).rejects.toThrow(
      `journal ${journal} is in use`,
    );
    release();

    expect((await first).imported).toBe(4);
    expect(sent).toBe(0);
    expect(existsSync(`${journal}.lock`)).toBe(false);
  });

  it("after a run that rejected (a callback threw), the next run opens the journal", async () => {
    const journal = journalFile("journal-lock");
    const input = users();
    const failing = runImport(imported, input, {
      journal,
      onOutcome: () => {
        throw new Error(faker.lorem.words());
      },
    });
    await expect(failing).rejects.toThrow();

    expect((await runImport(imported, input, { journal })).imported).toBe(4);
  });

  it("after a run refused for a `signal` that is no AbortSignal (a JavaScript caller), the next run opens it", async () => {
    const journal = journalFile("journal-lock");
    const input = users();
    const signal = { aborted: false } as unknown as AbortSignal;

    await expect(runImport(imported, input, { journal, signal })).rejects.toThrow(TypeError);

    expect((await runImport(imported, input, { journal })).imported).toBe(4);
  });

  it("after a run whose `signal` throws as it is listened to (a JavaScript caller's stand-in), the next run opens it", async () => {
    const journal = journalFile("journal-lock");
    const input = users();
    const signal = {
      aborted: false,
      addEventListener: () => {
        throw new Error("this stand-in cannot be listened to");
      },
    } as unknown as AbortSignal;

    await expect(runImport(imported, input, { journal, signal })).rejects.toThrow(
      "this stand-in cannot be listened to",
    );

    expect((await runImport(imported, input, { journal })).imported).toBe(4);
  });

  it("after an aborted run, the next run opens the journal", async () => {
    const journal = journalFile("journal-lock");
    const controller = new AbortController();
    controller.abort();
    const input = users();

    await runImport(imported, input, { journal, signal: controller.signal });

    expect((await runImport(imported, input, { journal })).imported).toBe(4);
  });
});
