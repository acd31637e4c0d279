import { FileLock, type LockedFile } from "../file-lock.js";
import { JournalError } from "./journal-error.js";

/**
 * The exclusive right of one run to a journal: a {@link FileLock}, `<journal>.lock` beside the file its
 * symbolic links name. Two runs on one journal would both send every chunk and each record the other's
 * duplicates as the last word on it, so a second run is refused while the first holds the lock. A hard link
 * names the file under another name, which this lock cannot see: the journal refuses a file with more than
 * one name.
 */
export type JournalLock = FileLock;

/** Takes and names the locks of journals: see {@link JournalLock}. */
export const JournalLock = {
  /**
   * Takes the lock of `journal`. A lock left by a process of this host that is gone (killed, crashed) is
   * taken over; any other lock is refused.
   *
   * @throws JournalError naming the journal when another run holds it, or the lock file cannot be created.
   */
  acquire(journal: string): JournalLock {
    return FileLock.acquire(journal, journalNamed(journal));
  },

  /** The lock file a run on `journal` takes: beside the file its symbolic links name. */
  fileOf(journal: string): string {
    return FileLock.fileOf(journal);
  },
};

function journalNamed(journal: string): LockedFile {
  return {
    named: `journal ${journal}`,
    one: "a journal",
    another: "another journal",
    error: (message, options) => new JournalError(message, options),
  };
}
