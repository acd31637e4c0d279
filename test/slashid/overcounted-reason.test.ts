// SlashID counts adding up to more persons than the file held confirm no import, and the reason says so (not
// that its failed_csv placed fewer failures than counted).
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { json } from "../../src/testing/faults.js";
import { useMswServer } from "../support/msw.js";
import { persons, slashIdClient, slashIdWorld } from "../slashid/harness.js";

const server = useMswServer();

it("a file of 4 answered 10 imported and 0 failed: the reason does not blame failed_csv", async () => {
  const input = persons("review-too-many", 4);
  slashIdWorld(server, {
    script: () => ({
      after: (answer: Response) =>
        answer.status === 200
          ? json({ result: { successful_imports: 10, failed_imports: 0 } })
          : answer,
    }),
  });
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
  for (const o of report.outcomes) {
    expect(o).toMatchObject({ outcome: "failed", code: "import_unconfirmed" });
    const reason = o.outcome === "failed" ? o.reason : "";
    expect(reason).not.toMatch(/placed only/);
    expect(reason).toMatch(/more persons than the file held/);
  }
});
