// demo --report naming a file that opens but cannot take the report (a full disk; /dev/full here): the
// demo says which report it could not write and why, keeps its summaries, and exits 1, not 3 ("could not
// run"): every import ran, and the summaries say what each vendor holds.
import { existsSync, rmSync, symlinkSync } from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { text } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { demoCommand, loadDemoFixtures } from "../../src/cli/demo-command.js";
import { tempDir } from "../support/temp-dir.js";

const FULL = "/dev/full";

describe.skipIf(!existsSync(FULL))("demo --report on a full disk", () => {
  it("names the report and the error, keeps the summaries and exits 1", async () => {
    // A link to the device, never the device itself: a demo that wrongly removed a report it did not make
    // would remove the link, not /dev/full (tests may run as root).
    const report = path.join(tempDir("bui-demo-full-"), "report.json");
    symlinkSync(FULL, report);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const [said, warned] = [text(stdout), text(stderr)];
    const code = await demoCommand(
      3,
      stdout as unknown as NodeJS.WriteStream,
      stderr as unknown as NodeJS.WriteStream,
      report,
    );
    stdout.end();
    stderr.end();
    const [out, err] = [await said, await warned];
    expect(code).toBe(1);
    expect(err).toContain(`bulk-user-import: cannot write the report ${report}: ENOSPC;`);
    expect(out).toMatch(/^all vendors: 12 records, /m);
    expect(out).not.toContain(`reports are in ${report}`);
  });

  it("a report the demo made and could not write is removed, not left half-written", async () => {
    const file = path.join(tempDir("bui-demo-full-"), "demo.json");
    const stream = () => new PassThrough() as unknown as NodeJS.WriteStream;
    let swapped = false;
    // The disk fills while the demo runs: the file the demo made now leads to a full device.
    const load = async () =>
      new Map(
        [...(await loadDemoFixtures())].map(([name, samples]) => [
          name,
          {
            ...samples,
            record: (key: string) => {
              if (!swapped) {
                swapped = true;
                rmSync(file);
                symlinkSync(FULL, file);
              }
              return samples.record(key);
            },
          },
        ]),
      );
    const code = await demoCommand(3, stream(), stream(), file, load);
    expect(swapped).toBe(true);
    expect(code).toBe(1);
    expect(existsSync(file)).toBe(false);
  });
});
