// A report whose pipe's reader stops reading, without closing it (a `| less` left on its first page, a
// parent process busy elsewhere): the run's reading of its input waits (`ReportWriter.ready`) once the pipe
// and the stream's buffer are full, as it waits for a slow disk. Otherwise every line of the report piles up
// in the stream's memory, as large as the report itself (a line a record), while the import goes on.
// Both pipes the report is written through are covered: the run's own stdout (`--report /dev/stdout | …`,
// a Node parent's socket) and a named pipe given as --report.
import { spawnSync } from "node:child_process";
import { constants, openSync } from "node:fs";
import { Socket } from "node:net";
import path from "node:path";
import { text } from "node:stream/consumers";
import { afterEach, describe, expect, it } from "vitest";
import { parseReport, ReportWriter } from "../../src/cli/report-file.js";
import { reportOf } from "../support/report.js";
import { tempDir } from "../support/temp-dir.js";

const HEADER = { vendor: "test", input: "in.ndjson", startedAt: new Date(0).toISOString() };
// 1000 lines of some 300 bytes: several times what a pipe (64 KiB) and a stream's buffer hold.
const LINES = 1000;

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
});

/** A named pipe, and its reader's end, opened and not read: a reader that stopped reading. */
function pipeNotRead(): { fifo: string; reader: Socket } {
  const fifo = path.join(tempDir("bui-report-lags-"), "report.fifo");
  expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
  const fd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const reader = new Socket({ fd, readable: true, writable: false });
  reader.pause();
  sockets.push(reader);
  return { fifo, reader };
}

/**
 * Writes {@link LINES} outcomes to `writer`, and says whether its `ready` then waits: `waiting`, or `ready`
 * had it settled already (an async function that returns at once has settled as it returns).
 */
async function readyAfterLines(writer: ReportWriter): Promise<"waiting" | "ready"> {
  const reason = "x".repeat(250);
  for (let index = 0; index < LINES; index++)
    writer.outcome({ index, key: `k${index}`, outcome: "failed", code: "aborted", reason });
  const ready = writer.ready();
  // Settled or not, `ready()` comes first: had it settled, its reaction runs before the later promise's.
  const won = await Promise.race([ready, Promise.resolve("waiting" as const)]);
  return won === "waiting" ? "waiting" : "ready";
}

describe.skipIf(spawnSync("mkfifo", ["--version"]).status !== 0)(
  "a report's pipe read no more",
  () => {
    it("the run's stdout (--report /dev/stdout): the reading waits; the reader gets every line once it reads", async () => {
      const { fifo, reader } = pipeNotRead();
      const fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
      // As process.stdout on a pipe: a net.Socket, its descriptor as its `fd`.
      const stdout = Object.assign(new Socket({ fd, readable: false, writable: true }), { fd });
      sockets.push(stdout);
      const writer = await ReportWriter.open("/dev/stdout", HEADER, { stdout });

      expect(await readyAfterLines(writer)).toBe("waiting");

      const read = text(reader);
      reader.resume();
      await writer.ready();
      await writer.finish(reportOf({ vendor: "test", total: LINES, failed: LINES }));
      // The run's stdout is never ended by the report: its end is the process's.
      stdout.end();
      const report = parseReport(await read, "/dev/stdout");
      expect(report.outcomes).toHaveLength(LINES);
      expect(report).toMatchObject({ total: LINES, failed: LINES });
    });

    it("a named pipe given as --report: the reading waits; the reader gets every line once it reads", async () => {
      const { fifo, reader } = pipeNotRead();
      const writer = await ReportWriter.open(fifo, HEADER);

      expect(await readyAfterLines(writer)).toBe("waiting");

      const read = text(reader);
      reader.resume();
      await writer.ready();
      await writer.finish(reportOf({ vendor: "test", total: LINES, failed: LINES }));
      const report = parseReport(await read, fifo);
      expect(report.outcomes).toHaveLength(LINES);
    });
  },
);
