// Two runs taking over the same dead run's journal lock at the same moment: only one may hold the journal,
// or both send every chunk. The interleaving is made deterministic by running the second takeover inside the
// first one's removal of the dead lock, the moment between its check and its act.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { describe, expect, it, vi } from "vitest";
import { JournalLock } from "../../src/core/engine/journal-lock.js";
import { journalFile } from "../support/journal-file.js";

const hooks = vi.hoisted(() => ({
  beforeUnlink: undefined as ((file: string) => void) | undefined,
  beforeCreate: undefined as ((file: string) => void) | undefined,
}));

vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return {
    ...fs,
    openSync: (file: string, flags: string, mode?: number) => {
      if (flags === "wx") {
        const hook = hooks.beforeCreate;
        hooks.beforeCreate = undefined;
        hook?.(file);
      }
      return fs.openSync(file, flags, mode);
    },
    unlinkSync: (file: string) => {
      const hook = hooks.beforeUnlink;
      hooks.beforeUnlink = undefined;
      hook?.(file);
      fs.unlinkSync(file);
    },
  };
});

function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ["-e", ""]);
  if (pid === undefined) throw new Error("no child process");
  return pid;
}

describe("taking over a dead run's journal lock", () => {
  it("two runs doing it at the same moment: one holds the journal, the other is refused", () => {
    const journal = journalFile("takeover-race");
    writeFileSync(`${journal}.lock`, `${JSON.stringify({ pid: deadPid(), host: hostname() })}\n`);
    const holders: JournalLock[] = [];
    const refusals: unknown[] = [];
    const acquire = () => {
      try {
        holders.push(JournalLock.acquire(journal));
      } catch (error) {
        refusals.push(error);
      }
    };
    // The second run takes over while the first is about to remove the dead lock it checked.
    hooks.beforeUnlink = (file) => {
      if (file === `${journal}.lock`) acquire();
    };
    acquire();

    expect(holders).toHaveLength(1);
    expect(refusals).toEqual([
      expect.objectContaining({
        name: "JournalError",
        message: expect.stringContaining(
          `is in use by another run (its lock file ${journal}.lock.takeover)`,
        ) as unknown,
      }),
    ]);
    holders.forEach((lock) => lock.release());
    expect(existsSync(`${journal}.lock`)).toBe(false);
    expect(existsSync(`${journal}.lock.takeover`)).toBe(false);
  });

  it("a run that took the dead run's lock over first keeps it: the later one is refused, naming it", () => {
    const journal = journalFile("takeover-race");
    writeFileSync(`${journal}.lock`, `${JSON.stringify({ pid: deadPid(), host: hostname() })}\n`);
    const winner = `${JSON.stringify({ pid: process.ppid, host: hostname() })}\n`;
    // The other run finishes its takeover after this one found the dead lock, before this one's guard.
    hooks.beforeCreate = (file) => {
      if (file === `${journal}.lock`) hooks.beforeCreate = replaceDead;
    };
    const replaceDead = (file: string) => {
      if (file === `${journal}.lock.takeover`) writeFileSync(`${journal}.lock`, winner);
    };

    expect(() => JournalLock.acquire(journal)).toThrow(
      `journal ${journal} is in use by pid ${process.ppid} on ${hostname()}`,
    );
    expect(readFileSync(`${journal}.lock`, "utf8")).toBe(winner);
    expect(existsSync(`${journal}.lock.takeover`)).toBe(false);
  });

  it("a run that takes the takeover guard a dead run left just before this one: this one is refused", () => {
    const journal = journalFile("takeover-race");
    const guard = `${journal}.lock.takeover`;
    const dead = `${JSON.stringify({ pid: deadPid(), host: hostname() })}\n`;
    writeFileSync(`${journal}.lock`, dead);
    writeFileSync(guard, dead);
    const other = `${JSON.stringify({ pid: process.ppid, host: hostname() })}\n`;
    // The other run creates its guard once this one removed the dead guard, before this one creates its own.
    let guardsTried = 0;
    const onCreate = (file: string) => {
      if (file === guard && ++guardsTried === 2) writeFileSync(guard, other);
      else hooks.beforeCreate = onCreate;
    };
    hooks.beforeCreate = onCreate;

    expect(() => JournalLock.acquire(journal)).toThrow(
      `is in use by another run (its lock file ${guard})`,
    );
    hooks.beforeCreate = undefined;
    expect(readFileSync(guard, "utf8")).toBe(other);
    expect(readFileSync(`${journal}.lock`, "utf8")).toBe(dead);
  });

  it("a takeover guard a run killed inside its takeover left does not keep the journal locked", () => {
    const journal = journalFile("takeover-race");
    const dead = `${JSON.stringify({ pid: deadPid(), host: hostname() })}\n`;
    writeFileSync(`${journal}.lock`, dead);
    writeFileSync(`${journal}.lock.takeover`, dead);

    const lock = JournalLock.acquire(journal);

    expect(existsSync(`${journal}.lock.takeover`)).toBe(false);
    expect(readFileSync(`${journal}.lock`, "utf8")).toContain(`"pid":${process.pid}`);
    lock.release();
  });
});
