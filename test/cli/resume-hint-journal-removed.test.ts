// An import whose --journal file was removed while it ran: a re-run with that path starts a new journal,
// which knows nothing of this run. The closing lines said "to resume, run the same command again: --journal
// … keeps what was settled" after an abort, and nothing of a re-run after the stop the removal caused.
import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/run.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import { fakeIo, fullStoryUsers, ndjson, useServedSimulators, useTempDir } from "./helpers.js";

const file = useTempDir("bui-journal-removed-");
const serve = useServedSimulators();
const KEY = "k3y9x7q2";

/** A FullStory import of 3 users whose journal is removed at its first request, which `then` may follow. */
async function importRemovingTheJournal(then: (io: ReturnType<typeof fakeIo>) => void) {
  const sim = createFullStorySimulator({ apiKey: KEY, processingPolls: 0 });
  const io = fakeIo({ env: { FULLSTORY_API_KEY: KEY } });
  const journal = file("run.journal");
  const { url } = await serve({
    vendor: sim.vendor,
    stats: () => sim.stats(),
    setFaults: (faults) => sim.setFaults(faults),
    handle(request) {
      rmSync(journal, { force: true });
      then(io);
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
});
