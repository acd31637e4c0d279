// `--report` naming something other than a regular file.
// - A FIFO a reader has open (`gzip < report.fifo > report.gz &`): the run opened the report once to check
//   it could write it, and closed it; the reader took that for the report's end and went, and the run then
//   waited forever for a reader, its report unwritten.
// - A folder: refused before anything is sent, as a report that cannot be written is.
import { spawnSync } from "node:child_process";
import { createReadStream, mkdirSync } from "node:fs";
import { text } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
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

const file = useTempDir("bui-report-not-regular-");
const serve = useServedSimulators();

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
