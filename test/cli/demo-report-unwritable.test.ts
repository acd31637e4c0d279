// demo --report naming a file that opens but cannot take the report (a full disk; /dev/full here): the
// demo says which report it could not write and why, keeps its summaries, and exits 1, not 3 ("could not
// run"): every import ran, and the summaries say what each vendor holds.
import { existsSync } from "node:fs";
import { PassThrough } from "node:stream";
import { text } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { demoCommand } from "../../src/cli/demo-command.js";

const FULL = "/dev/full";

describe.skipIf(!existsSync(FULL))("demo --report on a full disk", () => {
  it("names the report and the error, keeps the summaries and exits 1", async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const [said, warned] = [text(stdout), text(stderr)];
    const code = await demoCommand(
      3,
      stdout as unknown as NodeJS.WriteStream,
      stderr as unknown as NodeJS.WriteStream,
      FULL,
    );
    stdout.end();
    stderr.end();
    const [out, err] = [await said, await warned];
    expect(code).toBe(1);
    expect(err).toContain(`bulk-user-import: cannot write the report ${FULL}: ENOSPC;`);
    expect(out).toMatch(/^all vendors: 12 records, /m);
    expect(out).not.toContain(`reports are in ${FULL}`);
  });
});
