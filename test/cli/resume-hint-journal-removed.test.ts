// An import whose --journal file was removed while it ran: a re-run with that path starts a new journal,
// which knows nothing of this run. The closing lines said "to resume, run the same command again: --journal
// … keeps what was settled" after an abort, and nothing of a re-run after the stop the removal caused.
import { copyFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/run.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import {
  cli,
  fakeIo,
  fullStoryUsers,
  ndjson,
  stdinOf,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-journal-removed-");
const serve = useServedSimulators();
const KEY = "k3y9x7q2";
let runs = 0;

/**
 * A FullStory import of 3 users (`piped` to it) whose journal is removed at its request `at` (or `replaced`
 * by another file, or by a copy of it), which `then` may follow; `again` runs the command again with `key`.
 */
async function importRemovingTheJournal(
  then: (io: ReturnType<typeof fakeIo>, sim: ReturnType<typeof createFullStorySimulator>) => void,
  {
    replaced = undefined as "by another file" | "by a copy" | undefined,
    at = 1,
    piped = false,
  } = {},
) {
  const sim = createFullStorySimulator({ apiKey: KEY, processingPolls: 0 });
  const records = ndjson(fullStoryUsers(3, "j"));
  const io = fakeIo({ env: { FULLSTORY_API_KEY: KEY }, ...(piped && { stdin: stdinOf(records) }) });
  // Its own per case: a copy left at the path is a journal of another destination.
  const journal = file(`run-${++runs}.journal`);
  let requests = 0;
  const { url } = await serve({
    vendor: sim.vendor,
    stats: () => sim.stats(),
    setFaults: (faults) => sim.setFaults(faults),
    handle(request) {
      if (++requests === at) {
        if (replaced === "by a copy") {
          // As an editor's save does: the same lines in a new file, renamed over the journal.
          copyFileSync(journal, `${journal}.tmp`);
          renameSync(`${journal}.tmp`, journal);
        } else {
          rmSync(journal, { force: true });
          // As a tool that writes a file anew does: another file at the path, here one that is no journal.
          if (replaced === "by another file") writeFileSync(journal, "");
        }
        then(io, sim);
      }
      return sim.handle(request);
    },
  });
  const input = piped ? ["-", "--format", "ndjson"] : [file("users.ndjson", records)];
  const argv = ["import", "fullstory", ...input, "--base-url", url, "--journal", journal];
  const code = await run(argv, io.io);
  const again = (key: string, ...more: string[]) =>
    cli([...argv, ...more], { env: { FULLSTORY_API_KEY: key } });
  return { out: io.stdout.text, journal, code, sim, again };
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
      replaced: "by another file",
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

  // A copy still names the old account, and a re-run with the new key was refused (exit 2) for want of
  // --journal-account-was, which the closing lines no longer named.
  it("replaced by a copy as the vendor refused the credentials: a new credential may need --journal-account-was", async () => {
    const { out, journal, code, sim, again } = await importRemovingTheJournal(
      (_, sim) => sim.rotateKey("k3y-new"),
      { replaced: "by a copy", at: 2 },
    );
    expect(code).toBe(3);
    expect(out).toContain(
      "  once that is fixed, run the command again\n" +
        `  --journal ${journal} was replaced, or written by another process, while this run used it: a re-run ` +
        "with it reads the file now there (a copy of this journal still names its account: a new credential " +
        "may need --journal-account-was), which may hold nothing of this run: every record that file does " +
        "not hold is sent again\n",
    );

    const newKeyOnly = await again("k3y-new");
    expect(newKeyOnly.code).toBe(2);
    const account = /re-run with --journal-account-was (key:\w+)/.exec(newKeyOnly.stderr)?.[1];
    expect(account).toBeDefined();
    // The copy holds the job: the re-run follows it, and sends no record again.
    const resumed = await again("k3y-new", "--journal-account-was", account!);
    expect(resumed.code).toBe(0);
    expect(sim.stats().users).toBe(3);
  });

  // A copy is resumed from as the journal is: piped records are matched by their order.
  it("replaced by a copy, aborted, records piped in: a re-run with it is given the same records", async () => {
    const { out, journal } = await importRemovingTheJournal((io) => io.controller.abort(), {
      replaced: "by a copy",
      piped: true,
    });
    expect(out).toContain(
      `  --journal ${journal} was replaced, or written by another process, while this run used it: a re-run ` +
        "with it, given the same records piped in the same order, reads the file now there, which may hold " +
        "nothing of this run: every record that file does not hold is sent again\n",
    );
  });
});
