// `--report` naming a FIFO is opened once, without waiting (O_NONBLOCK), to find its reader there, and that
// descriptor is the one written. The run opened it a second time, blocking, to write it: a reader that quit
// between the two opens left that second open waiting for ever for another, out of reach of Ctrl-C.
import { spawnSync } from "node:child_process";
import { closeSync, constants, openSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseReport } from "../../src/cli/report-file.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import {
  cli,
  fullStoryFlags,
  fullStoryUsers,
  ndjson,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";
import { readSlowly } from "./fifo-reader.js";

/** Called after each openSync of the code under test, with its path and flags. */
const opens = vi.hoisted(() => ({
  after: undefined as ((path: unknown, flags: unknown) => void) | undefined,
}));
vi.mock("node:fs", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs")>();
  const openSync = (...args: Parameters<typeof real.openSync>) => {
    const fd = real.openSync(...args);
    opens.after?.(args[0], args[1]);
    return fd;
  };
  return { ...real, openSync };
});

const file = useTempDir("bui-report-fifo-open-");
const serve = useServedSimulators();

/** Readers the test opened, closed after it: a writer's open still waiting then gets one, and ends. */
const readers: string[] = [];
afterEach(() => {
  opens.after = undefined;
  for (const fifo of readers.splice(0))
    closeSync(openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK));
});

function fifoNamed(name: string): string {
  const fifo = file(name);
  expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
  readers.push(fifo);
  return fifo;
}

describe.skipIf(spawnSync("mkfifo", ["--version"]).status !== 0)("--report to a FIFO", () => {
  it("its reader quits just after the run found it there: the run ends, naming EPIPE (exit 1)", async () => {
    const { url } = await serve(createFullStorySimulator({ processingPolls: 0 }));
    const input = file("users.ndjson", ndjson(fullStoryUsers(5, "quit")));
    const fifo = fifoNamed("quit.fifo");
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    // The reader goes as soon as the run's open that looks for it returns.
    opens.after = (path, flags) => {
      if (path !== fifo || typeof flags !== "number" || (flags & constants.O_NONBLOCK) === 0)
        return;
      opens.after = undefined;
      closeSync(reader);
    };

    const ran = await cli(["import", "fullstory", input, "--report", fifo, ...fullStoryFlags(url)]);

    expect(ran.stderr).toContain(`cannot write the report ${fifo}: EPIPE`);
    expect(ran.stdout).toMatch(/^fullstory: 5 records: 5 imported, 0 failed, 0 rejected/m);
    expect(ran.code).toBe(1);
  });

  it("a reader that lags behind a report more than the pipe holds: it gets the whole report, exit 0", async () => {
    const { url } = await serve(createFullStorySimulator({ processingPolls: 0 }));
    const input = file("many.ndjson", ndjson(fullStoryUsers(3000, "lag")));
    const fifo = fifoNamed("lag.fifo");
    const reading = readSlowly(fifo);

    const ran = await cli(["import", "fullstory", input, "--report", fifo, ...fullStoryFlags(url)]);
    const read = await reading;

    expect(ran.stderr).not.toContain("cannot write the report");
    const report = parseReport(read, fifo);
    expect(report).toMatchObject({ total: 3000, imported: 3000 });
    expect(report.outcomes.map(({ index }) => index)).toEqual([...Array(3000).keys()]);
    expect(ran.code).toBe(0);
  });
});
