import { randomUUID } from "node:crypto";
import {
  closeSync,
  lstatSync,
  openSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { errorCode, missingFolder } from "./errors/error-code.js";

/**
 * The contents of the locks this process holds, each with a nonce of its own: a lock naming this pid is only
 * ours if its content is in here, however its file was named (a link, another relative path).
 */
const held = new Set<string>();

interface Owner {
  readonly pid: number;
  readonly host: string;
}

/** How a {@link FileLock}'s errors name the file it locks, and what they are thrown as. */
export interface LockedFile {
  /** The file as the errors name it, with the path as given: `journal import.journal`. */
  readonly named: string;
  /** A file of the kind, as "use … in a folder this run can write" says: `a journal`. */
  readonly one: string;
  /** Another file of the kind, as "wait for that run to end or use …" says: `another journal`. */
  readonly another: string;
  /** The error a refusal is thrown as. */
  readonly error: (message: string, options?: ErrorOptions) => Error;
}

/**
 * A refusal on its way out of {@link FileLock.acquire}, which throws it as its {@link LockedFile}'s error,
 * the message said of that file.
 */
class Refusal extends Error {
  constructor(
    readonly say: (kind: LockedFile) => string,
    options?: ErrorOptions,
  ) {
    super("the lock was refused", options);
  }
}

/**
 * The exclusive right of one run to a file it writes: a sibling file `<file>.lock` (beside the file its
 * symbolic links name), created with O_EXCL, holding the pid and host of the run. Two runs writing one file
 * would each write over the other's lines, so a second run is refused while the first holds the lock. A hard
 * link names the file under another name, which this lock cannot see.
 */
export class FileLock {
  #released = false;

  private constructor(
    private readonly file: string,
    private readonly content: string,
  ) {}

  /**
   * Takes the lock of `target`. A lock left by a process of this host that is gone (killed, crashed) is
   * taken over; any other lock is refused.
   *
   * @throws The error `kind` makes, naming the file, when another run holds it, or the lock file cannot be
   *   created.
   */
  static acquire(target: string, kind: LockedFile): FileLock {
    try {
      return FileLock.#acquire(target);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      const message = `${kind.named}${error.say(kind)}`;
      throw error.cause === undefined
        ? kind.error(message)
        : kind.error(message, { cause: error.cause });
    }
  }

  static #acquire(target: string): FileLock {
    // Beside the file the path names, not the path: a run given a symbolic link to another run's file would
    // otherwise take a lock of its own beside the link, and both runs would write it.
    const named = lockedPath(target);
    try {
      try {
        return FileLock.#take(named);
      } catch (error) {
        // Not beside the link instead: a run through another link to the same file would take a lock of its
        // own there, and both runs would write it.
        if (
          !isLink(target) ||
          !(error instanceof Refusal) ||
          !UNWRITABLE.has(errorCode(error.cause))
        )
          throw error;
        const why = messageOf(error.cause);
        throw new Refusal(
          ({ one }) =>
            `: it links to ${named}, and no lock can be created beside that file (${why}), where every run through a link to it looks: use ${one} in a folder this run can write`,
          { cause: error.cause },
        );
      }
    } catch (error) {
      if (error instanceof Refusal) throw error;
      const why = messageOf(error);
      throw new Refusal(() => `: cannot read its lock file: ${why}`);
    }
  }

  /** Gives the lock up (once; later calls do nothing), leaving a lock another run took over in place. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    held.delete(this.content);
    try {
      if (readIfThere(this.file) === this.content) removeIfThere(this.file);
    } catch {
      // A lock that cannot be removed names this pid, no longer holding it: the next run takes it over.
    }
  }

  /** The lock file a run on `target` takes: beside the file its symbolic links name. */
  static fileOf(target: string): string {
    return `${lockedPath(target)}.lock`;
  }

  static #take(beside: string): FileLock {
    const file = `${beside}.lock`;
    const nonce = randomUUID();
    const content = `${JSON.stringify({ pid: process.pid, host: hostname(), nonce })}\n`;
    // Twice at most: once, and once more after taking over a dead run's lock.
    for (let attempt = 0; attempt < 2; attempt++) {
      if (create(file, content)) {
        held.add(content);
        return new FileLock(file, content);
      }
      const found = readIfThere(file);
      if (found === undefined) continue;
      const owner = parseOwner(found);
      const gone = owner === undefined ? leftEmpty(file, found) : isGone(owner, found);
      if (!gone) throw inUse(file, owner);
      // Another run is taking the dead run's lock over at this moment: it, not the dead run, holds the file.
      const blocked = removeDead(file, found, nonce);
      if (blocked !== undefined) throw inUse(blocked, undefined);
    }
    throw inUse(file, parseOwner(readIfThere(file) ?? ""));
  }
}

/**
 * Removes the dead run's lock (`found`) unless another run replaced it meanwhile. The check and the removal
 * are made under `<lock>.takeover`, created exclusively: a run taking over at the same moment could otherwise
 * remove the lock the other had just created in the dead one's place, and both would hold the file. The
 * guard's path when another run holds it, else undefined. A guard left by a run killed inside it is removed
 * as a dead lock is (only that double mishap leaves a window).
 */
function removeDead(file: string, found: string, nonce: string): string | undefined {
  const guard = `${file}.takeover`;
  const content = `${JSON.stringify({ pid: process.pid, host: hostname(), nonce: `${nonce}:takeover` })}\n`;
  if (!create(guard, content)) {
    const other = readIfThere(guard);
    if (other !== undefined) {
      const owner = parseOwner(other);
      const gone = owner === undefined ? leftEmpty(guard, other) : isGone(owner, other);
      if (!gone) return guard;
      if (readIfThere(guard) === other) removeIfThere(guard);
    }
    if (!create(guard, content)) return guard;
  }
  held.add(content);
  try {
    if (readIfThere(file) === found) removeIfThere(file);
  } finally {
    held.delete(content);
    removeIfThere(guard);
  }
  return undefined;
}

/**
 * The path of the file `target` names, its symbolic links followed, also when that file does not exist yet
 * (a link a run is about to create its file through); the path as given when it cannot be resolved (a
 * missing folder), whose lock file then fails to be created with the usual error.
 */
function lockedPath(target: string): string {
  let current = target;
  // As many links as the system itself follows before it gives up (ELOOP).
  for (let links = 0; links < 40; links++) {
    try {
      return realpathSync(current);
    } catch (error) {
      if (errorCode(error) !== "ENOENT") return target;
    }
    let link: string;
    try {
      link = readlinkSync(current);
    } catch {
      // Not a link: a file not created yet, in a folder whose own links are resolved.
      try {
        return path.join(realpathSync(path.dirname(current)), path.basename(current));
      } catch {
        return target;
      }
    }
    current = path.resolve(path.dirname(current), link);
  }
  return target;
}

function isLink(file: string): boolean {
  try {
    return lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink() === true;
  } catch {
    // A path no file can be at (ENOTDIR): the lock file's own error says why.
    return false;
  }
}

/** Why a lock file cannot be created in a folder that exists: the folder is not this run's to write to. */
const UNWRITABLE = new Set<unknown>(["EACCES", "EPERM", "EROFS"]);

/** Whether {@link FileLock.acquire} threw `error` because the file's folder takes no lock file of this run's. */
export const folderRefusedLock = (error: unknown): boolean =>
  error instanceof Error && UNWRITABLE.has(errorCode(error.cause));

/** Creates the lock file with `content`; false when one exists. */
function create(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, "wx");
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    const why = missingFolder(error, file) ?? `cannot create its lock file: ${messageOf(error)}`;
    throw new Refusal(() => `: ${why}`, { cause: error });
  }
  try {
    writeSync(fd, content);
  } catch (error) {
    closeSync(fd);
    removeIfThere(file);
    const why = messageOf(error);
    throw new Refusal(() => `: cannot write its lock file: ${why}`);
  }
  closeSync(fd);
  return true;
}

/** How long a lock file may stay empty while the run that created it writes its pid and host into it. */
const EMPTY_LOCK_GRACE_MS = 10_000;

/**
 * Whether `file` is a lock that stayed empty: its run was killed between creating it and writing its pid (or
 * the host lost power, which can keep a file's creation and lose its contents). A run writes its lock at once
 * after creating it, so an empty one older than a few seconds names no live run; a younger one may be a run
 * about to write it, and is left to it. Its age is by the wall clock (a file's time), so a jump of it is
 * bounded: a time more than a few seconds ahead is not a run about to write the lock either.
 */
function leftEmpty(file: string, found: string): boolean {
  if (found !== "") return false;
  try {
    return Math.abs(Date.now() - statSync(file).mtimeMs) > EMPTY_LOCK_GRACE_MS;
  } catch {
    return false;
  }
}

/** Whether the run that wrote the lock is gone: same host, and its pid not alive (or ours, not held by us). */
function isGone(owner: Owner, content: string): boolean {
  if (owner.host !== hostname()) return false;
  // Our own pid on a lock we do not hold: an earlier process that had this pid (a container's pid 1) died.
  if (owner.pid === process.pid) return !held.has(content);
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process lives, under another user.
    return errorCode(error) === "ESRCH";
  }
}

function inUse(file: string, owner: Owner | undefined): Refusal {
  const by = owner === undefined ? "another run" : `pid ${owner.pid} on ${owner.host}`;
  return new Refusal(
    ({ another }) =>
      ` is in use by ${by} (its lock file ${file}): wait for that run to end or use ${another}; if no ` +
      "run uses it, delete the lock file",
  );
}

function parseOwner(text: string): Owner | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null) return undefined;
    const { pid, host } = value as Record<string, unknown>;
    return Number.isSafeInteger(pid) && (pid as number) > 0 && typeof host === "string"
      ? { pid: pid as number, host }
      : undefined;
  } catch {
    return undefined;
  }
}

function readIfThere(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
}

function removeIfThere(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
