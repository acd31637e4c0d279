// Ctrl-C after the whole input was read: the summary must not claim the input was left unread, and it says
// how the run is resumed (the journal), or that without one it cannot be.
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/run.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";
import {
  CREDS,
  FAST_POLL,
  fakeIo,
  fullStoryUsers,
  ndjson,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-interrupted-");
const serve = useServedSimulators();

/** `sim`, whose first job status poll aborts the run: by then every record has been read. */
function abortingAtFirstPoll(sim: VendorSimulator, controller: AbortController): VendorSimulator {
  return {
    vendor: sim.vendor,
    stats: () => sim.stats(),
    setFaults: (faults) => sim.setFaults(faults),
    handle: (request) => {
      if (request.method === "GET") controller.abort();
      return sim.handle(request);
    },
  };
}

async function interrupted(journal: readonly string[]) {
  const users = fullStoryUsers(4, "int");
  const input = file(`int-${journal.length}.ndjson`, ndjson(users));
  const io = fakeIo();
  const sim = createFullStorySimulator({ processingPolls: 0 });
  const { url } = await serve(abortingAtFirstPoll(sim, io.controller));
  const code = await run(
    [
      "import",
      "fullstory",
      input,
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      ...FAST_POLL,
      ...journal,
    ],
    io.io,
  );
  return { code, stdout: io.stdout.text };
}

describe("import: the summary of a run stopped by Ctrl-C", () => {
  it("does not say the input was left unread when every record was read, and names the journal to resume with", async () => {
    const journal = file("int.journal");
    const { code, stdout } = await interrupted(["--journal", journal]);

    expect(code).toBe(1);
    expect(stdout).toContain("fullstory: 4 records: 0 imported, 4 failed");
    expect(stdout).not.toContain("before the input was read");
    expect(stdout).toContain("aborted: the run stopped before its end");
    expect(stdout).toContain(`run the same command again: --journal ${journal}`);
  });

  it("without --journal, says a re-run sends every record again", async () => {
    const { stdout } = await interrupted([]);

    expect(stdout).toContain("no --journal: a re-run sends every record again");
  });
});
