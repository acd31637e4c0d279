import type { ImportReport } from "./report.js";

/**
 * A journal this run cannot use: a file that is not a journal of bulk-user-import, or one written by a run
 * with another vendor, other settings, another destination or other input; one another run is using; or a
 * path that cannot be opened as a journal (a directory, a folder that does not exist). Nothing was sent
 * because of it; the caller fixes the command line (another journal file, or the run's own settings).
 */
export class JournalError extends Error {
  /** Always `JournalError`: the name `String(error)` gives it. */
  override readonly name = "JournalError";
  /**
   * When this run sent chunks before it met a chunk the journal does not fit (one the journal holds no entry
   * for, ahead of it): what became of every record it read, as the report of an aborted import. Their users
   * are at the vendor whatever the journal says, so a caller tells what the run did before the error. Always
   * set when the journal was found to hold chunks past the input's last once every record was settled: that
   * report is whole, not aborted.
   */
  report?: ImportReport;
}
