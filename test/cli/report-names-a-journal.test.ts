// --report given the journal of an earlier run (the two names swapped by mistake, or the journal's name
// reused without --journal): the report would overwrite what a resume needs, the idempotency keys and job
// ids of chunks left out, so the run is refused before anything is sent and the journal is left whole.
import { readFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { demoCommand } from "../../src/cli/demo-command.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import { cli, fullStoryFlags, ndjson, useServedSimulators, useTempDir } from "./helpers.js";

const file = useTempDir("bui-report-journal-");
const serve = useServedSimulators();
const users = () =>
  ndjson([
    { uid: "u-1", email: "a@example.com" },
    { uid: "u-2", email: "b@example.com" },
  ]);

describe("--report naming an import's journal", () => {
  it("is refused (exit 2) before anything is sent, and the journal stays as it was", async () => {
    const sim = createFullStorySimulator();
    const { url } = await serve(sim);
    const input = file("users.ndjson", users());
    const journal = file("run.journal");
    const first = await cli([
      "import",
      "fullstory",
      input,
      ...fullStoryFlags(url, "--journal", journal),
    ]);
    expect(first.code).toBe(0);
    const kept = readFileSync(journal, "utf8");
    expect(kept).toMatch(/^\{"kind":"header",/);

    const second = await cli([
      "import",
      "fullstory",
      input,
      ...fullStoryFlags(url, "--report", journal),
    ]);
    expect(second.code).toBe(2);
    // Refused before anything was sent: the simulator saw the first run's batch only.
    expect(sim.stats().requests["POST /v2/users/batch"]).toBe(1);
    expect(second.stderr).toContain(
      `cannot write the report ${journal}: it is an import's journal`,
    );
    expect(readFileSync(journal, "utf8")).toBe(kept);
  });

  it("a journal after a blank first line is refused too: a resume reads past it", async () => {
    const sim = createFullStorySimulator();
    const { url } = await serve(sim);
    const input = file("users-blank.ndjson", users());
    // `echo > run.journal` beforehand: the journal writes its header after the blank line, and uses it.
    const journal = file("blank-first.journal", "\n");
    const flags = (...more: string[]) => [
      "import",
      "fullstory",
      input,
      ...fullStoryFlags(url, ...more),
    ];
    expect((await cli(flags("--journal", journal))).code).toBe(0);
    const kept = readFileSync(journal, "utf8");
    expect(kept).toMatch(/^\n\{"kind":"header",/);

    const second = await cli(flags("--report", journal));
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(
      `cannot write the report ${journal}: it is an import's journal`,
    );
    expect(readFileSync(journal, "utf8")).toBe(kept);
    expect(sim.stats().requests["POST /v2/users/batch"]).toBe(1);
  });

  it("a file that only starts like one (another header) is written as a report", async () => {
    const { url } = await serve(createFullStorySimulator());
    const input = file("users2.ndjson", users());
    const other = file("other.ndjson", '{"kind":"header","vendor":"fullstory"}\n');
    const result = await cli([
      "import",
      "fullstory",
      input,
      ...fullStoryFlags(url, "--report", other),
    ]);
    expect(result.code).toBe(0);
    expect(readFileSync(other, "utf8")).toContain('"format":"bulk-user-import.report"');
  });

  it("demo --report naming a journal is refused before the demo runs", async () => {
    const journal = file(
      "demo.journal",
      '{"kind":"header","vendor":"userpilot","chunkRecords":10000,"maxBytes":52428800}\n',
    );
    const stream = () => new PassThrough() as unknown as NodeJS.WriteStream;
    await expect(demoCommand(3, stream(), stream(), journal)).rejects.toThrow(
      /it is an import's journal/,
    );
    expect(readFileSync(journal, "utf8")).toMatch(/"chunkRecords":10000/);
  });
});
