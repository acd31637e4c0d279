// `demo --report /dev/stdout >> log.txt` (or `> out.txt`): the demo wrote its report by opening /dev/stdout
// anew, to replace it, which emptied the file the shell gave it (the lines it held before the demo, the
// demo's own summaries), and its totals then went where the shell's offset was, amid the report's JSON. The
// report goes through the run's own stdout instead, after what the file held, as an import's does.
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ImportReport } from "../../src/index.js";
import { VENDOR_NAMES } from "../../src/vendors.js";
import { useBundledCli } from "./bundled-cli.js";
import { useTempDir } from "./helpers.js";

const file = useTempDir("bui-demo-stdout-file-");
const main = useBundledCli();

/** The demo run with `--report /dev/stdout`, its stdout `out` opened with `flags` (`a`: `>>`, `r+`: `>`). */
function demoInto(out: string, flags: "a" | "r+") {
  const fd = openSync(out, flags);
  try {
    return spawnSync(
      process.execPath,
      [main(), "demo", "--users", "3", "--report", "/dev/stdout"],
      { stdio: ["ignore", fd, "pipe"], encoding: "utf8" },
    );
  } finally {
    closeSync(fd);
  }
}

/** The demo's report, the JSON array between its summaries and its totals. */
function reportIn(text: string): ImportReport[] {
  const start = text.indexOf("\n[\n");
  const end = text.indexOf("\n]\n", start);
  return JSON.parse(text.slice(start, end + 2)) as ImportReport[];
}

describe.skipIf(!existsSync("/dev/stdout"))(
  "demo --report /dev/stdout, stdout a regular file",
  () => {
    it("appended to (>>): what the file held stays, then the summaries, the report and the totals", () => {
      const out = file("log.txt", "a line of an earlier run\n");

      const ran = demoInto(out, "a");

      const text = readFileSync(out, "utf8");
      expect(text.startsWith("a line of an earlier run\n\n== fullstory: 3 users")).toBe(true);
      expect(reportIn(text).map((r) => [r.vendor, r.total, r.imported])).toEqual(
        VENDOR_NAMES.map((name) => [name, 3, 3]),
      );
      expect(text).toMatch(
        /\n\]\n\nall vendors: 12 records, 12 imported[^\n]*\nthe 4 reports are in/,
      );
      expect(ran.status).toBe(0);
    }, 60_000);

    it("written from its start (>): the summaries before the report, the totals after it", () => {
      const out = file("out.txt", "");

      const ran = demoInto(out, "r+");

      const text = readFileSync(out, "utf8");
      expect(text.startsWith("\n== fullstory: 3 users")).toBe(true);
      expect(reportIn(text)).toHaveLength(VENDOR_NAMES.length);
      expect(text.endsWith("the 4 reports are in /dev/stdout\n")).toBe(true);
      expect(ran.status).toBe(0);
    }, 60_000);
  },
);
