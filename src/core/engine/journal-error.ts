/**
 * A journal this run cannot use: a file that is not a journal of bulk-user-import, or one written by a run
 * with another vendor, other settings, another destination or other input; one another run is using; or a
 * path that cannot be opened as a journal (a directory, a folder that does not exist). Nothing was sent
 * because of it; the caller fixes the command line (another journal file, or the run's own settings).
 */
export class JournalError extends Error {
  /** Always `JournalError`: the name `String(error)` gives it. */
  override readonly name = "JournalError";
}
