// demo --report naming a named pipe (FIFO): with no process reading it, the demo ran every import, then
// waited for ever to open it for its report, deaf to a first Ctrl-C (the open pending in the thread pool).
// It is refused before the imports instead; a reader started first gets the whole report.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { text } from "node:stream/consumers";
import { afterEach, describe, expect, it } from "vitest";
import { demoCommand } from "../../src/cli/demo-command.js";
import type { ImportReport } from "../../src/index.js";
import { VENDOR_NAMES } from "../../src/vendors.js";
import { tempDir } from "../support/temp-dir.js";
import { catInto, endFifoReaders, readSlowly } from "./fifo-reader.js";

const stream = () => new PassThrough() as unknown as NodeJS.WriteStream;

/** A named pipe in a fresh folder, and the file `cat` copies it to when {@link catInto} reads it. */
function fifo(): { fifo: string; out: string } {
  const dir = tempDir("bui-demo-fifo-");
  const made = { fifo: path.join(dir, "demo.fifo"), out: path.join(dir, "demo.json") };
  expect(spawnSync("mkfifo", [made.fifo]).status).toBe(0);
  return made;
}

afterEach(endFifoReaders);

describe.skipIf(spawnSync("mkfifo", ["--version"]).status !== 0)("demo --report to a FIFO", () => {
  it("no process reads it: refused before any import, naming --report", async () => {
    const { fifo: report } = fifo();
    const out = new PassThrough();
    const said = text(out);

    const ran = demoCommand(3, out as unknown as NodeJS.WriteStream, stream(), report);

    await expect(ran).rejects.toThrow(
      `--report ${report} is a named pipe (FIFO) that no process reads`,
    );
    out.end();
    // No import began: none printed its heading.
    expect(await said).not.toContain("==");
  });

  it("a demo that ends early (no fixtures): its reader gets nothing and ends", async () => {
    const { fifo: report, out } = fifo();
    const reader = await catInto(report, out);

    const ran = demoCommand(3, stream(), stream(), report, () => Promise.resolve(new Map()));

    await expect(ran).rejects.toThrow(/no demo fixtures/);
    reader.release();
    expect(await reader.ended).toBe(0);
    expect(readFileSync(out, "utf8")).toBe("");
  });

  it("read by another process (`cat demo.fifo > demo.json &`): it gets every vendor's report", async () => {
    const { fifo: report, out } = fifo();
    const reader = await catInto(report, out);

    const code = await demoCommand(3, stream(), stream(), report);

    expect(code).toBe(0);
    reader.release();
    expect(await reader.ended).toBe(0);
    const reports = JSON.parse(readFileSync(out, "utf8")) as ImportReport[];
    expect(reports.map((r) => [r.vendor, r.total])).toEqual(VENDOR_NAMES.map((name) => [name, 3]));
  });

  it("read by a reader that lags, the report more than the pipe holds: it gets every vendor's report", async () => {
    const { fifo: report } = fifo();
    const reading = readSlowly(report);

    const code = await demoCommand(200, stream(), stream(), report);
    const read = await reading;

    expect(code).toBe(0);
    expect(read.length).toBeGreaterThan(64 * 1024);
    const reports = JSON.parse(read) as ImportReport[];
    expect(reports.map((r) => [r.vendor, r.total])).toEqual(
      VENDOR_NAMES.map((name) => [name, 200]),
    );
  }, 60_000);
});
