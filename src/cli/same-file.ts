import { fstatSync } from "node:fs";
import { lstat, readlink, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { ConfigError } from "./vendors.js";

/** A file the command line names, and how the message calls it: `the input`, `--report`, `--journal`. */
export interface NamedFile {
  readonly name: string;
  readonly file: string;
  /** An open descriptor that is the file, when `file` is no path (stdin's name). */
  readonly fd?: number;
  /** The flag to change when this file clashes, if not the one `name` says (a file named after another). */
  readonly changedBy?: string;
  /** Whether it is the input, which the run reads: the others it writes. */
  readonly input?: true;
}

interface Identity {
  /** The path with every symbolic link resolved, as far as the path exists. */
  readonly resolved: string;
  /** Device and inode of an existing file: a hard link has its own path but the same inode. */
  readonly inode?: string;
}

/**
 * Refuses (a usage error, before any file is opened) two of `files` that are the same file: a report opened
 * on the input empties it before it is read, and a report written over a journal leaves nothing to resume.
 * Existing files are compared by device and inode and by real path; one that does not exist yet, by the path
 * it would be created at.
 *
 * @throws ConfigError naming both.
 */
export async function refuseSameFiles(files: readonly NamedFile[]): Promise<void> {
  const known = await Promise.all(
    files.map(async (named) => ({
      ...named,
      identity: named.fd === undefined ? await identityOf(named.file) : identityOfFd(named.fd),
    })),
  );
  for (const [i, a] of known.entries()) {
    for (const b of known.slice(i + 1)) {
      if (!same(a.identity, b.identity)) continue;
      // Two files the run writes (a report and a journal, a lock file) need not exist, nor be read first.
      const clash =
        a.input === true || b.input === true
          ? "which the import would overwrite before it is read"
          : "which the import would write as both";
      throw new ConfigError(
        `${a.name} ${a.file} and ${b.name} ${b.file} are the same file, ${clash}; ` +
          `give ${b.changedBy ?? b.name} a file of its own`,
      );
    }
  }
}

function same(a: Identity, b: Identity): boolean {
  return a.resolved === b.resolved || (a.inode !== undefined && a.inode === b.inode);
}

/** A descriptor's file, known by its inode alone: it has no path to compare (`fd 0` is none a file has). */
function identityOfFd(fd: number): Identity {
  try {
    const { dev, ino } = fstatSync(fd);
    return { resolved: `fd ${fd}`, inode: `${dev}:${ino}` };
  } catch {
    // A descriptor closed before the run: nothing can be the same file as it.
    return { resolved: `fd ${fd}` };
  }
}

/** Symbolic links followed at most this many times for a path that does not exist yet (as the OS's ELOOP). */
const MAX_LINKS = 40;

async function identityOf(file: string, links = 0): Promise<Identity> {
  try {
    const { dev, ino } = await stat(file);
    return { resolved: await realpath(file), inode: `${dev}:${ino}` };
  } catch {
    // Not there yet: a dangling link is where the file would be created, so follow it.
    const link = await lstat(file).catch(() => undefined);
    if (link?.isSymbolicLink() === true && links < MAX_LINKS) {
      const target = await readlink(file);
      return identityOf(path.resolve(path.dirname(file), target), links + 1);
    }
    return { resolved: await resolvedParent(file) };
  }
}

/** `file` with its directory's links resolved (the file itself does not exist). */
async function resolvedParent(file: string): Promise<string> {
  const absolute = path.resolve(file);
  const directory = await realpath(path.dirname(absolute)).catch(() => path.dirname(absolute));
  return path.join(directory, path.basename(absolute));
}
