// An import whose --journal file was removed while it ran: a re-run with that path starts a new journal,
// which knows nothing of this run. The closing lines said "to resume, run the same command again: --journal
// … keeps what was settled" after an abort, and nothing of a re-run after the stop the removal caused.
import { rmSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/run.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import { fakeIo, fullStoryUsers, ndjson, useServedSimulators, useTempDir } from "./helpers.js";

const file = useTempDir("bui-journal-removed-");
const serve = useServedSimulators();
const KEY = "k3y9x7q2";

/**
 * A FullStory import of 3 users whose journal is removed at its request `at` (or `replaced` by another
 * file), which `then` may follow.
 */
async function importRemovingTheJournal(
  then: (io: ReturnType<typeof fakeIo>, sim: ReturnType<typeof createFullStorySimulator>) => void,
  { replaced = false, at = 1 } = {},
) {
  const sim = createFullStorySimulator({ apiKey: KEY, processingPolls: 0 });
  const io = fakeIo({ env: { FULLSTORY_API_KEY: KEY } });
  const journal = file("run.journal");
  let requests = 0;
  const { url } = await serve({
    vendor: sim.vendor,
    stats: () => sim.stats(),
    setFaults: (faults) => sim.setFaults(faults),
    handle(request) {
      if (++requests === at) {
        rmSync(journal, { force: true });
        // As a tool that writes a file anew does: another file at the path, here one that is no journal.
        if (replaced) writeFileSync(journal, "");
        then(io, sim);
      }
      return sim.handle(request);
    },
  });
  const input = file("users.ndjson", ndjson(fullStoryUsers(3, "j")));
  await run(["import", "fullstory", input, "--base-url", url, "--journal", journal], io.io);
  return { out: io.stdout.text, journal };
}

describe("the closing lines of an import whose journal was removed while it ran", () => {
  it("aborted: no hint to resume with the journal; a re-run with it sends every record again", async () => {
    const { out, journal } = await importRemovingTheJournal((io) => io.controller.abort());
    expect(out).not.toContain("to resume");
    expect(out).not.toContain("keeps what was settled");
    expect(out).toContain(
      `  --journal ${journal} no longer exists: a re-run with it starts a new journal, which sends every record again\n`,
    );
  });

  it("stopped by the journal it could not write: the same line follows the stop", async () => {
    const { out, journal } = await importRemovingTheJournal(() => {});
    expect(out).toContain(`stopped: the import stopped: journal ${journal} cannot be written`);
    expect(out).toContain(
      `  --journal ${journal} no longer exists: a re-run with it starts a new journal`,
    );
  });

  // Keyed on the file's absence, the line said "to resume … keeps what was settled", while the records said
  // a re-run may send them again.
  it("replaced by another file, aborted: no hint to resume; a re-run reads that file, which may hold nothing", async () => {
    const { out, journal } = await importRemovingTheJournal((io) => io.controller.abort(), {
      replaced: true,
    });
    expect(out).not.toContain("to resume");
    expect(out).not.toContain("keeps what was settled");
    expect(out).toContain(
      `  --journal ${journal} was replaced, or written by another process, while this run used it: a re-run ` +
        "with it reads the file now there, which may hold nothing of this run: every record that file does not hold is sent again\n",
    );
  });

  // The line on the journal took the place of the one that says the credentials come first.
  // At the job's status poll, which writes nothing to the journal: the refusal stops the run, not a write.
  it("removed as the vendor refused the credentials: fix them first, then what the journal's loss means", async () => {
    const { out, journal } = await importRemovingTheJournal((_, sim) => sim.rotateKey("k3y-new"), {
      at: 2,
    });
    expect(out).toContain("fullstory refused the credentials");
    expect(out).toContain(
      "  once that is fixed, run the command again\n" +
        `  --journal ${journal} no longer exists: a re-run with it starts a new journal, which sends every record again\n`,
    );
    expect(out).not.toContain("keeps what was settled");
  });
});
