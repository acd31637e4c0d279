import type { ImportProgress } from "../core/engine/report.js";
import { monotonicNow } from "../core/time.js";

/**
 * How much of the input has been read, 0 to 1: the bytes of a file read so far over its size; undefined while
 * an input of unknown size (a pipe) is still being read.
 */
export interface InputShare {
  readFraction(): number | undefined;
}

/**
 * Shows an import's progress: a redrawn bar on a terminal, a plain line every `intervalMs` otherwise
 * (logs and CI), and either again every `intervalMs` while no count changes, until `done` (to be called
 * however the import ends). Against `of` when the caller knows how many records there are. Given an
 * {@link InputShare} instead, the total is estimated from the records read per byte (`~N`), so the bar and
 * the ETA hold still while the input streams instead of chasing a total that keeps growing; without either,
 * against records read.
 */
export function createProgressDisplay(
  stream: NodeJS.WriteStream,
  label: string,
  intervalMs = 5000,
  of?: number | InputShare,
) {
  // Not the wall clock: set back an hour, it would stop the display for the hour and zero the rate.
  const started = monotonicNow();
  // The first update is shown at once, however early in the process (the monotonic clock starts near 0).
  let last = Number.NEGATIVE_INFINITY;
  let latest: ImportProgress | undefined;
  // The counts of the last plain line written: `done` does not write them again. Compared by value: the
  // engine's last call, before the import resolves, brings a new object with the last chunk's counts.
  let written: ImportProgress | undefined;
  /**
   * The total to show, and whether it is an estimate (`~N`) or a lower bound (`N+`, an input of unknown size
   * still being read); undefined while nothing tells it yet.
   */
  const totalOf = (
    p: ImportProgress,
  ): { n: number; shown: string; lowerBound?: true } | undefined => {
    if (typeof of === "number") return { n: of, shown: String(of) };
    const read = of === undefined ? 1 : of.readFraction();
    if (read === undefined) return { n: p.validated, shown: `${p.validated}+`, lowerBound: true };
    if (read >= 1) return { n: p.validated, shown: String(p.validated) };
    if (read <= 0 || p.validated === 0) return undefined;
    const n = Math.max(p.validated, Math.round(p.validated / read));
    return { n, shown: `~${n}` };
  };
  const line = (p: ImportProgress) => {
    const seconds = (monotonicNow() - started) / 1000;
    // Records an earlier run settled come from the journal at reading speed: counted in the rate, they made
    // a resumed run's ETA a fraction of the time its sends take.
    const rate = seconds > 0 ? (p.confirmed - p.resumed) / seconds : 0;
    const total = totalOf(p);
    // A lower bound gives no time left worth showing.
    const remaining = total === undefined || total.lowerBound ? 0 : total.n - p.confirmed;
    const eta = rate > 0 && remaining > 0 ? `, ETA ${formatSeconds(remaining / rate)}` : "";
    const shown = total?.shown ?? "?";
    const warned = p.warned > 0 ? `, ${p.warned} with a warning` : "";
    const mayHold = p.vendorMayHold > 0 ? `, ${p.vendorMayHold} the vendor may hold` : "";
    const resumed = p.resumed > 0 ? `; ${p.resumed} of them from the journal` : "";
    return `${label}: ${p.confirmed}/${shown} confirmed (${p.imported} imported${warned}, ${p.failed} failed${mayHold}, ${p.rejected} rejected${resumed}), ${Math.round(rate)}/s${eta}${waiting(p)}`;
  };
  const show = (progress: ImportProgress) => {
    latest = progress;
    const now = monotonicNow();
    if (stream.isTTY) {
      if (now - last < 100) return;
      last = now;
      const width = 24;
      const total = totalOf(progress)?.n ?? 0;
      const filled =
        total === 0 ? 0 : Math.min(width, Math.round((progress.confirmed / total) * width));
      const drawn = `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${line(progress)}`;
      stream.write(`\r${withinRow(drawn, stream.columns)}\u001b[K`);
    } else if (now - last >= intervalMs) {
      last = now;
      written = progress;
      stream.write(`${line(progress)}\n`);
    }
  };
  // No count changes while a vendor's job runs, for minutes at times: the line is shown again all the same,
  // its rate and ETA brought up to date, so that a log tells a run that waits from one that hangs (the
  // import's own calls while it waits say what it waits on, but may come less often than `intervalMs`).
  const heartbeat =
    intervalMs > 0
      ? setInterval(() => latest !== undefined && show(latest), intervalMs).unref()
      : undefined;
  return {
    update: show,
    done: () => {
      clearInterval(heartbeat);
      if (latest === undefined) return;
      // A terminal's bar is ended by a line of its own; a log gets the final counts once.
      if (stream.isTTY) stream.write(`\r${line(latest)}\u001b[K\n`);
      else if (written === undefined || !sameCounts(latest, written))
        stream.write(`${line(latest)}\n`);
    },
  };
}

/**
 * What the chunks out wait on, when any waits: a vendor's job running, a delay before a replay, a request the
 * client waits to try again (a vendor's `Retry-After`, a backoff).
 */
function waiting(p: ImportProgress): string {
  const chunks = (n: number) => `${n} ${n === 1 ? "chunk" : "chunks"}`;
  const waits = [
    [p.waitingOnVendor, "waiting on the vendor"],
    [p.waitingToRetry, "waiting to be sent again"],
    [p.waitingToRetryRequest, "waiting to retry a request"],
  ] as const;
  const said = waits.filter(([n]) => n > 0).map(([n, on]) => `${chunks(n)} ${on}`);
  return said.length === 0 ? "" : `; ${said.join(", ")}`;
}

/** Whether the two give the same line: how long the counts stood still is not on it. */
function sameCounts(a: ImportProgress, b: ImportProgress): boolean {
  return (Object.keys(a) as (keyof ImportProgress)[]).every(
    (count) => count === "unchangedForMs" || a[count] === b[count],
  );
}

/**
 * A line redrawn in place, cut to the terminal's width: `\r` returns to the start of the last row only, so a
 * line that wraps would leave a row behind at every redraw. An unknown width (0, undefined) leaves it whole.
 */
function withinRow(text: string, columns: number | undefined): string {
  return columns !== undefined && columns > 1 && text.length >= columns
    ? text.slice(0, columns - 1)
    : text;
}

function formatSeconds(seconds: number): string {
  // Rounded up whole, then split: rounding the part within the minute up showed 119.5 s as 1m60s.
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${whole % 60}s`;
  return `${Math.floor(whole / 3600)}h${Math.floor((whole % 3600) / 60)}m`;
}
