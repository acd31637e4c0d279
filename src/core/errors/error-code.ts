import { dirname } from "node:path";

/** A system error's code (`ENOENT`, `EADDRINUSE`), if it has one: what a file or socket error is told by. */
export function errorCode(error: unknown): string | undefined {
  const code: unknown =
    typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
  return typeof code === "string" ? code : undefined;
}

/**
 * `its folder <dir> does not exist` when `error` is the ENOENT of creating `file`, whose own text names the
 * file, not the folder a mistyped path lacks; else undefined.
 */
export function missingFolder(error: unknown, file: string): string | undefined {
  return errorCode(error) === "ENOENT" ? `its folder ${dirname(file)} does not exist` : undefined;
}
