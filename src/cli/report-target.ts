import { fstatSync, statSync, type Stats } from "node:fs";
import { isatty } from "node:tty";
import { ConfigError } from "../vendor-module.js";

/**
 * Where `--report` leads: `file`, a regular file of its own (or one to be created), which the run locks;
 * `stdout` or `stderr`, the very file the run's own stream writes (`--report /dev/stdout > out.txt`, a pipe,
 * a terminal), whose other lines would land amid the report's; `other`, a device or a pipe of its own.
 */
export type ReportTarget = "file" | "stdout" | "stderr" | "other";

/**
 * Where `file` leads (see {@link ReportTarget}). A stream is known by its file descriptor: the same device
 * and inode as the report's path is the same file, also when the path is not /dev/stdout (`--report out.txt
 * > out.txt`). A device that keeps nothing (/dev/null, a character device but a terminal) mixes no lines.
 */
export function reportTarget(
  file: string,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
): ReportTarget {
  let stats: Stats | undefined;
  try {
    stats = statSync(file, { throwIfNoEntry: false });
  } catch {
    // A path no file can be at (ENOTDIR, ELOOP): opening the report says why, as for any file.
    return "file";
  }
  if (stats === undefined) return "file";
  if (isStream(stats, stderr)) return "stderr";
  if (isStream(stats, stdout)) return "stdout";
  return stats.isFile() ? "file" : "other";
}

/**
 * The refusal of a `--report` that is the run's own stderr, with what to give it instead: a file of its own,
 * or `orStdout` (`, or /dev/stdout …`) when stdout is another file. The run's progress, warnings and errors
 * go there amid the report's lines, and Node's own too, which no choice of the run's can keep out.
 */
export function reportOnStderr(
  file: string,
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
  orStdout = "",
): ConfigError {
  // `2>&1`, a terminal, a service's journal: /dev/stdout is that same stderr, and would be refused alike.
  const instead = sameFile(stdout, stderr)
    ? " (its stdout is that same file, as with 2>&1 or a terminal: /dev/stdout is refused too)"
    : orStdout;
  return new ConfigError(
    `--report ${file} is this run's stderr, where its progress, warnings and errors go amid the ` +
      `report's lines; give --report a file of its own${instead}`,
  );
}

/** Whether streams `a` and `b` write the same file (`> out.txt 2>&1`, one terminal). */
function sameFile(a: NodeJS.WritableStream, b: NodeJS.WritableStream): boolean {
  const [fdA, fdB] = [streamFd(a), streamFd(b)];
  if (fdA === undefined || fdB === undefined) return false;
  try {
    const [statsA, statsB] = [fstatSync(fdA), fstatSync(fdB)];
    return statsA.dev === statsB.dev && statsA.ino === statsB.ino;
  } catch {
    return false;
  }
}

/** The file descriptor `stream` writes, if it writes one (not a test's stand-in). */
export function streamFd(stream: NodeJS.WritableStream): number | undefined {
  const { fd } = stream as { fd?: unknown };
  return typeof fd === "number" ? fd : undefined;
}

/**
 * Whether `fd` is a pipe or a socket (a Node parent's `stdio: "pipe"` is a socket, as is systemd's stdout):
 * a file with no offset, written in turn by whoever holds it, which its stream writes as a reader lets it.
 */
export function isPipeOrSocket(fd: number): boolean {
  try {
    const stats = fstatSync(fd);
    return stats.isFIFO() || stats.isSocket();
  } catch {
    return false;
  }
}

function isStream(stats: Stats, stream: NodeJS.WritableStream): boolean {
  const fd = streamFd(stream);
  // A stream with no file of its own (a test's stand-in) is no file the report can be.
  if (fd === undefined) return false;
  let own: Stats;
  try {
    own = fstatSync(fd);
  } catch {
    return false;
  }
  if (own.dev !== stats.dev || own.ino !== stats.ino) return false;
  return !own.isCharacterDevice() || isatty(fd);
}
