// A vendor message of a megabyte in a refusal of a whole chunk: every record of the chunk carries the reason,
// and the journal wrote each one's reason on the chunk's line (a gigabyte for 1,000 users), which threw a
// RangeError and stopped the import as fatal, the later chunks never sent. A reason keeps its start and its
// end (the engine's notes), its middle cut.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { journalFile } from "../support/journal-file.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { importUsers } from "../../src/propeller/import.js";
import { errorAnswer, mountPropeller, propellerClient, users } from "./harness.js";

const server = useMswServer();

it("a 400 with a message of a megabyte fails its chunk with the message cut, and the import goes on", async () => {
  const long = `users[3]: ${"x".repeat(1_000_000)} END`;
  mountPropeller(server, {
    bulk: (call) =>
      call.attempt === 1 ? errorAnswer(400, 10007, "SchemaValidationException", [long]) : undefined,
  });
  const journal = journalFile("propeller-long-message");
  const report = await importUsers(propellerClient().client, users(400), {
    journal,
    chunkRecords: 200,
    concurrency: 1,
    sleep: async () => {},
  });

  expect(report.fatal).toBeUndefined();
  expect([report.failed, report.imported]).toEqual([200, 200]);
  const failed = report.outcomes[0];
  expect(failed).toMatchObject({
    outcome: "failed",
    reason: matching(/^SchemaValidationException.*users\[3\]: x+ \[…\d+ characters cut…\] x+ END/s),
  });
  expect(failed?.outcome === "failed" && failed.reason.length).toBeLessThan(3_100);
  expect(readFileSync(journal).length).toBeLessThan(2_000_000);
});
