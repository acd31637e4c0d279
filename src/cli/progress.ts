import type { ImportProgress } from "../core/engine/report.js";

/**
 * Shows an import's progress: a redrawn bar on a terminal, a plain line every `intervalMs` otherwise
 * (logs and CI). Against `total` when the caller knows how many records there are; otherwise the total is
 * unknown while the input streams, and the bar fills against records read.
 */
export function createProgressDisplay(
  stream: NodeJS.WriteStream,
  label: string,
  intervalMs = 5000,
  total?: number,
) {
  const started = Date.now();
  let last = 0;
  let latest: ImportProgress | undefined;
  const line = (p: ImportProgress) => {
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? p.confirmed / seconds : 0;
    const of = total ?? p.validated;
    const remaining = of - p.confirmed;
    const eta = rate > 0 && remaining > 0 ? `, ETA ${formatSeconds(remaining / rate)}` : "";
    return `${label}: ${p.confirmed}/${of} confirmed (${p.imported} imported, ${p.failed} failed, ${p.rejected} rejected), ${Math.round(rate)}/s${eta}`;
  };
  return {
    update(progress: ImportProgress) {
      latest = progress;
      const now = Date.now();
      if (stream.isTTY) {
        if (now - last < 100) return;
        last = now;
        const width = 24;
        const of = total ?? progress.validated;
        const filled =
          of === 0 ? 0 : Math.min(width, Math.round((progress.confirmed / of) * width));
        stream.write(
          `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${line(progress)}\u001b[K`,
        );
      } else if (now - last >= intervalMs) {
        last = now;
        stream.write(`${line(progress)}\n`);
      }
    },
    done() {
      if (latest !== undefined)
        stream.write(stream.isTTY ? `\r${line(latest)}\u001b[K\n` : `${line(latest)}\n`);
    },
  };
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${Math.ceil(seconds % 60)}s`;
  return `${Math.floor(seconds / 3600)}h${Math.floor((seconds % 3600) / 60)}m`;
}
