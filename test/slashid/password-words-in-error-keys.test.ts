// A person's password is chosen by a person and may hold an ordinary word ("mystatus9", "noerrors!"): the
// error of a refused upload is scrubbed of it, and that must not cut its own fields or the vendor's keys the
// adapter reads out of it, or the refusal is misread (a 400 taken for another failure, its message lost, an
// undocumented status coded "[REDACTED]").
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { slashIdClient, slashIdWorld, vendorError } from "./harness.js";

const server = useMswServer();

it.each(["mystatus9", "noerrors!", "xmessage7"])(
  "a 400 is read as SlashID's refusal of the file, its message kept, when a password is %j",
  async (password) => {
    slashIdWorld(server, { script: () => ({ answer: vendorError(400, "unreadable CSV file") }) });
    const input = [{ emails: ["ann@example.com"], password }, { emails: ["bob@example.com"] }];
    const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
    expectEveryRecordOnce(report, 2);
    for (const o of report.outcomes)
      expect(o).toMatchObject({
        outcome: "failed",
        code: "400",
        reason: "SlashID refused the file (400 Bad Request): unreadable CSV file",
      });
  },
);

it("an undocumented status keeps its code when a password holds the word", async () => {
  const page = () => new Response("<html>teapot</html>", { status: 418 });
  slashIdWorld(server, { script: () => ({ answer: page }) });
  const input = [{ emails: ["ann@example.com"], password: "undocumented1" }];
  const report = await importUsers(slashIdClient(), input, { sleep: async () => {} });
  expectEveryRecordOnce(report, 1);
  expect(report.outcomes[0]).toMatchObject({ outcome: "failed", code: "undocumented" });
});
