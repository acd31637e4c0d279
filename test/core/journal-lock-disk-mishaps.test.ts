// A journal lock the disk did not take as asked: a lock file that could not be written (a full disk) must
// not stay behind empty and refuse the next run, and one that could not be removed when the run ended must
// neither fail that run's end nor keep the journal locked against the next run of the same process. (The file
// system's refusals, and a lock given up at an awkward moment, are made by a stand-in for it.)
import * as fs from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { JournalError } from "../../src/core/engine/journal-error.js";
import { JournalLock } from "../../src/core/engine/journal-lock.js";
import { journalFile } from "../support/journal-file.js";

const refuse = vi.hoisted(() => ({ write: "", unlink: "", vanish: "" }));

vi.mock("node:fs", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs")>();
  const opened = new Map<number, string>();
  const fail = (code: string, syscall: string) =>
    Object.assign(new Error(`${code}: refused, ${syscall}`), { code, syscall });
  return {
    ...real,
    openSync: (file: fs.PathLike, flags: fs.OpenMode, mode?: fs.Mode) => {
      if (String(file) === refuse.vanish && flags === "wx") {
        // The run holding the lock ends right after this run found it there.
        refuse.vanish = "";
        try {
          return real.openSync(file, flags, mode);
        } finally {
          real.unlinkSync(file);
        }
      }
      const fd = real.openSync(file, flags, mode);
      opened.set(fd, String(file));
      return fd;
    },
    writeSync: (fd: number, ...rest: unknown[]) => {
      if (refuse.write !== "" && opened.get(fd) === refuse.write) throw fail("ENOSPC", "write");
      return (real.writeSync as (fd: number, ...rest: unknown[]) => number)(fd, ...rest);
    },
    unlinkSync: (file: fs.PathLike) => {
      if (String(file) === refuse.unlink) {
        refuse.unlink = "";
        throw fail("EBUSY", "unlink");
      }
      real.unlinkSync(file);
    },
  };
});

describe("a journal lock the disk did not take", () => {
  it("a lock file that cannot be written: refused naming the journal, and no empty lock left", () => {
    const journal = journalFile("lock-disk-full");
    refuse.write = JournalLock.fileOf(journal);
    let error: unknown;
    try {
      JournalLock.acquire(journal).release();
    } catch (thrown) {
      error = thrown;
    } finally {
      refuse.write = "";
    }

    expect(error).toBeInstanceOf(JournalError);
    expect((error as JournalError).message).toContain(
      `journal ${journal}: cannot write its lock file: ENOSPC`,
    );
    expect(fs.existsSync(`${journal}.lock`)).toBe(false);
    JournalLock.acquire(journal).release();
  });

  it("a lock given up between this run finding it and reading it: this run takes the journal", () => {
    const journal = journalFile("lock-vanishing");
    const lock = JournalLock.fileOf(journal);
    fs.writeFileSync(lock, `${JSON.stringify({ pid: process.ppid, host: "elsewhere" })}\n`);
    refuse.vanish = lock;

    const taken = JournalLock.acquire(journal);

    expect(fs.readFileSync(lock, "utf8")).toContain(`"pid":${process.pid}`);
    taken.release();
    expect(fs.existsSync(lock)).toBe(false);
  });

  it("a lock file that cannot be removed at the end: the end goes on, and the next run takes it over", () => {
    const journal = journalFile("lock-not-removed");
    const first = JournalLock.acquire(journal);
    refuse.unlink = JournalLock.fileOf(journal);

    expect(() => first.release()).not.toThrow();
    expect(fs.readFileSync(`${journal}.lock`, "utf8")).toContain(`"pid":${process.pid}`);

    const next = JournalLock.acquire(journal);
    next.release();
    expect(fs.existsSync(`${journal}.lock`)).toBe(false);
  });
});
