/** A system error's code (`ENOENT`, `EADDRINUSE`), if it has one: what a file or socket error is told by. */
export function errorCode(error: unknown): string | undefined {
  const code: unknown =
    typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
  return typeof code === "string" ? code : undefined;
}
