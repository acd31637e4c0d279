// The resume hint of an aborted import names its --journal file, which may hold a secret the CLI was given
// (the rest of a line run together, across a line break). The name is scrubbed before it is made safe for a
// terminal, as every other name the CLI shows: made safe first, the break shows as `\n`, and a short secret
// after it no longer stands alone as a word, so it was printed.
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/run.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import { fakeIo, fullStoryUsers, ndjson, useServedSimulators, useTempDir } from "./helpers.js";

const file = useTempDir("bui-resume-hint-");
const serve = useServedSimulators();
const KEY = "k3y9";

describe("an aborted import's resume hint", () => {
  it("shows a --journal name holding a short secret after a line break with the secret redacted", async () => {
    const sim = createFullStorySimulator({ apiKey: KEY, processingPolls: 0 });
    const io = fakeIo({ env: { FULLSTORY_API_KEY: KEY } });
    const { url } = await serve({
      vendor: sim.vendor,
      stats: () => sim.stats(),
      setFaults: (faults) => sim.setFaults(faults),
      handle(request) {
        io.controller.abort();
        return sim.handle(request);
      },
    });
    const input = file("users.ndjson", ndjson(fullStoryUsers(3, "h")));
    const journal = file(`run.journal\n${KEY}`);
    const code = await run(
      ["import", "fullstory", input, "--base-url", url, "--journal", journal],
      io.io,
    );
    expect(code).toBe(1);
    expect(io.stdout.text).toContain("to resume, run the same command again: --journal ");
    expect(io.stdout.text).toContain("run.journal\\n[REDACTED]");
    expect(io.all()).not.toContain(KEY);
  });
});
