// `--report` naming something other than a regular file.
// - A FIFO a reader has open (`gzip < report.fifo > report.gz &`): the run opened the report once to check
//   it could write it, and closed it; the reader took that for the report's end and went, and the run then
//   waited forever for a reader, its report unwritten.
// - A FIFO no process reads: opening it to write waits for a reader, and the run waited for ever, deaf to
//   its first Ctrl-C or SIGTERM (the open is pending in the thread pool). Refused at once instead.
// - A folder: refused before anything is sent, as a report that cannot be written is.
import { spawnSync } from "node:child_process";
import { createReadStream, mkdirSync, readFileSync } from "node:fs";
import { text } from "node:stream/consumers";
import { afterEach, describe, expect, it } from "vitest";
import { parseReport } from "../../src/cli/report-file.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import {
  cli,
  fullStoryFlags,
  fullStoryUsers,
  ndjson,
  totalRequests,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";
import { catInto, endFifoReaders } from "./fifo-reader.js";

const file = useTempDir("bui-report-not-regular-");
const serve = useServedSimulators();

afterEach(endFifoReaders);

describe.skipIf(spawnSync("mkfifo", ["--version"]).status !== 0)("--report to a FIFO", () => {
  it("its reader gets the whole report, and the run ends as the import did: exit 0", async () => {
    const { url } = await serve(createFullStorySimulator({ processingPolls: 0 }));
    const input = file("users.ndjson", ndjson(fullStoryUsers(5)));
    const fifo = file("report.fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const read = text(createReadStream(fifo));

    const ran = await cli(["import", "fullstory", input, "--report", fifo, ...fullStoryFlags(url)]);

    const report = parseReport(await read, fifo);
    expect(ran.code).toBe(0);
    expect(report).toMatchObject({ header: { vendor: "fullstory" }, total: 5, imported: 5 });
    expect(report.outcomes.map(({ index, outcome }) => [index, outcome])).toEqual(
      [0, 1, 2, 3, 4].map((index) => [index, "imported"]),
    );
  });

  it("read by another process (`cat report.fifo > out &`): it gets the whole report, exit 0", async () => {
    const { url } = await serve(createFullStorySimulator({ processingPolls: 0 }));
    const input = file("many.ndjson", ndjson(fullStoryUsers(300, "cat")));
    const fifo = file("cat.fifo");
    const out = file("cat-out.ndjson");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const reader = await catInto(fifo, out);

    const ran = await cli(["import", "fullstory", input, "--report", fifo, ...fullStoryFlags(url)]);

    reader.release();
    expect(await reader.ended).toBe(0);
    const report = parseReport(readFileSync(out, "utf8"), out);
    expect(ran.code).toBe(0);
    expect(report).toMatchObject({ header: { vendor: "fullstory" }, total: 300, imported: 300 });
    expect(report.outcomes.map(({ index }) => index)).toEqual([...Array(300).keys()]);
  });

  it("a run refused before it begins (a --journal that is a folder): its reader gets an empty report and ends", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(sim);
    const input = file("refused.ndjson", ndjson(fullStoryUsers(3, "refused")));
    const journal = file("refused-journal");
    mkdirSync(journal);
    const fifo = file("refused.fifo");
    const out = file("refused-out.ndjson");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const reader = await catInto(fifo, out);

    const ran = await cli([
      ...["import", "fullstory", input, "--report", fifo, "--journal", journal],
      ...fullStoryFlags(url),
    ]);

    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(`journal ${journal} cannot be used`);
    reader.release();
    expect(await reader.ended).toBe(0);
    expect(readFileSync(out, "utf8")).toBe("");
    expect(totalRequests(sim)).toBe(0);
  });

  it("no process reads it: refused before anything is sent, exit 2, naming --report", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(sim);
    const input = file("unread.ndjson", ndjson(fullStoryUsers(3, "unread")));
    const fifo = file("unread.fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);

    const ran = await cli(["import", "fullstory", input, "--report", fifo, ...fullStoryFlags(url)]);

    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(`--report ${fifo} is a named pipe (FIFO) that no process reads`);
    expect(ran.stderr).toContain("start its reader first");
    expect(totalRequests(sim)).toBe(0);
  });
});

describe("--report naming a folder", () => {
  it("is refused before anything is sent: exit 2, naming the report", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(sim);
    const input = file("users.ndjson", ndjson(fullStoryUsers(2)));
    const folder = file("reports");
    mkdirSync(folder);

    const ran = await cli([
      "import",
      "fullstory",
      input,
      "--report",
      folder,
      ...fullStoryFlags(url),
    ]);

    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain(`cannot write the report ${folder}: EISDIR`);
    expect(totalRequests(sim)).toBe(0);
  });
});
