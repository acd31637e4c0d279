// Ctrl-C stops a dry run as it stops an import: reading stops, what was checked is printed, exit 1. The dry
// run went on to the input's end (only a second Ctrl-C, which kills the process, stopped it, printing
// nothing), and on a pipe whose writer stalls it never ended.
import { spawnSync } from "node:child_process";
import { open, type FileHandle } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/run.js";
import { CollectingStream, fakeIo, fullStoryUsers, ndjson, useTempDir } from "./helpers.js";

const file = useTempDir("bui-dry-ctrl-c-");

/**
 * Fake stdio whose signal aborts (Ctrl-C, as main.ts relays it) as the dry run prints its first line, or on
 * the event loop's next turn, when a reading that waits for more input is waiting.
 */
function ctrlCAtFirstLine(when: "at once" | "next turn") {
  const fake = fakeIo();
  const ctrlC = () => fake.controller.abort();
  const stdout = new (class extends CollectingStream {
    override _write(chunk: unknown, encoding: BufferEncoding, callback: () => void): void {
      if (when === "at once") ctrlC();
      else setImmediate(ctrlC);
      super._write(chunk, encoding, callback);
    }
  })(false);
  return { io: { ...fake.io, stdout: stdout as unknown as NodeJS.WriteStream }, stdout };
}

const STOPPED =
  "dry run stopped before the input's end: 1 records, 0 valid, 1 rejected; the rest was not checked; " +
  "nothing was sent\n";

describe("Ctrl-C during --dry-run", () => {
  it("stops the reading: what was checked so far is printed, the rest is not read, exit 1", async () => {
    const rest = fullStoryUsers(2000, "dc").map((u, i) => (i % 100 === 99 ? { ...u, uid: 7 } : u));
    const input = file("big.ndjson", "not json\n" + ndjson(rest));
    const { io, stdout } = ctrlCAtFirstLine("at once");

    const code = await run(["import", "fullstory", input, "--dry-run"], io);

    const lines = stdout.text.split("\n");
    expect(lines[0]).toMatch(/^record 0 \(#0\): \[input\.parse\] line 1: /);
    expect(lines.slice(1).join("\n")).toBe(STOPPED);
    expect(code).toBe(1);
  });

  it.skipIf(spawnSync("mkfifo", ["--version"]).status !== 0)(
    "stops it on a named pipe whose writer stalls: the run ends without a second Ctrl-C",
    async () => {
      const fifo = file("stalled.ndjson");
      expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
      const { io, stdout } = ctrlCAtFirstLine("next turn");
      let writer: FileHandle | undefined;
      try {
        const ended = run(["import", "fullstory", fifo, "--dry-run"], io);
        writer = await open(fifo, "w");
        // One line, then nothing: the writer keeps the pipe open, as a stalled producer does.
        await writer.write("not json\n");

        expect(await ended).toBe(1);
        expect(stdout.text).toContain(STOPPED);
      } finally {
        await writer?.close();
      }
    },
  );
});

describe("Ctrl-C during a dry run whose records read so far are all valid", () => {
  it("exits 1 all the same: the records it did not read are not vouched for", async () => {
    const input = file("all-valid.ndjson", ndjson(fullStoryUsers(2000, "ok")));
    const fake = fakeIo();
    fake.controller.abort();

    const code = await run(["import", "fullstory", input, "--dry-run"], fake.io);

    expect(fake.stdout.text).toMatch(
      /^dry run stopped before the input's end: \d+ records, \d+ valid, 0 rejected/,
    );
    expect(code).toBe(1);
  });
});
