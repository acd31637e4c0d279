// A re-run with the journal of a run that "died" once Propeller wrote a chunk: the re-run's send of that chunk
// is refused naming one user (a 400 `#/users/0`), and the re-send of the rest meets a 401 that stops the
// import. Propeller may still hold the named user (the earlier run's send wrote it): its refusal must say so,
// as it does when the re-send of the rest is answered.
import { describe, expect, it } from "vitest";
import { importUsers, type PropellerImportOptions } from "../../src/propeller/import.js";
import type { PropellerUser } from "../../src/propeller/validate.js";
import { journalFile } from "../support/journal-file.js";
import { useMswServer } from "../support/msw.js";
import { errorAnswer, mountPropeller, propellerClient, userKey, users } from "./harness.js";

const server = useMswServer();
const OPTIONS: PropellerImportOptions = { chunkRecords: 5, concurrency: 1, replayDelayMs: 0 };
const run = (input: PropellerUser[], options: PropellerImportOptions = {}) =>
  importUsers(propellerClient().client, input, { ...OPTIONS, ...options });
const secondChunk = (sent: readonly PropellerUser[]) => sent[0]?.sourceId === "C-5";

async function crashAfterSecondChunk(seed: string) {
  const journal = journalFile("propeller");
  const controller = new AbortController();
  const vendor = mountPropeller(server, {
    bulk: (_call, sent) =>
      secondChunk(sent)
        ? {
            after: (answer) => {
              controller.abort();
              return answer;
            },
          }
        : undefined,
  });
  const input = users(15, seed);
  await run(input, { journal, signal: controller.signal });
  return { journal, vendor, input };
}

describe("Propeller re-run: a named refusal before a fatal re-send", () => {
  it("says Propeller may hold the named user, which the earlier run's send wrote", async () => {
    const { journal, vendor, input } = await crashAfterSecondChunk("rerun fatal resend");
    const named = input[5]!;
    // Propeller holds the named user: the earlier run's lost send wrote it.
    expect(vendor.ids().has(userKey(named))).toBe(true);

    let sends = 0;
    vendor.setFaults({}, (_call, sent) => {
      if (!secondChunk(sent) && sent[0]?.sourceId !== "C-6") return undefined;
      sends += 1;
      return sends === 1
        ? errorAnswer(400, 10007, "SchemaValidationException", [
            "#/users/0: required key [email] not found",
          ])
        : errorAnswer(403, 403, "Forbidden", ["Forbidden"]);
    });
    const second = await run(input, { journal });

    expect(second.fatal).toBeDefined();
    expect(sends).toBe(2);
    const outcome = second.outcomes[5]!;
    expect(outcome).toMatchObject({ outcome: "failed", code: "10007" });
    expect(outcome.outcome === "failed" && outcome.reason).toMatch(/may hold this record/);
  });
});
