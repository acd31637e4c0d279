// The warning a SlashID 200 carries for the errors it lists is cut to 500 characters. A secret SlashID echoes
// in those errors must be scrubbed before the cut: cut first, the few characters of it left before the cut
// are too short for the engine's scrubbing of partial secrets to recognise, and reach the report.
import { expect, it } from "vitest";
import { importUsers } from "../../src/slashid/import.js";
import { json } from "../../src/testing/faults.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, slashIdClient, slashIdWorld } from "./harness.js";

const server = useMswServer();

/** SlashID answering each 200 with `message` listed in its errors. */
function listingInItsErrors(message: string): void {
  slashIdWorld(server, {
    script: () => ({
      after: async (answer: Response) =>
        answer.status === 200
          ? json({ ...((await answer.json()) as object), errors: [{ httpcode: 400, message }] })
          : answer,
    }),
  });
}

it("no part of the API key echoed in a 200's errors reaches a warning", async () => {
  for (const kept of [3, 5]) {
    const message = `${"x".repeat(500 - kept)}${API_KEY} was used`;
    listingInItsErrors(message);
    const report = await importUsers(slashIdClient(), [{ emails: ["ann@example.com"] }], {
      sleep: async () => {},
    });
    const [outcome] = report.outcomes;
    if (outcome?.outcome !== "imported")
      throw new Error(`not imported: ${JSON.stringify(outcome)}`);
    expect(outcome.warning).toEqual(expect.stringContaining("listed errors beside its counts"));
    expect(outcome.warning).not.toContain(`x${API_KEY.slice(0, kept)}`);
  }
});

it("no part of a person's password hash echoed in a 200's errors reaches a warning", async () => {
  const hash = "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";
  for (const kept of [3, 5]) {
    const message = `${"x".repeat(500 - kept)}${hash} was used`;
    listingInItsErrors(message);
    const report = await importUsers(
      slashIdClient(),
      [{ emails: ["ann@example.com"], password: hash }],
      { sleep: async () => {} },
    );
    const [outcome] = report.outcomes;
    if (outcome?.outcome !== "imported")
      throw new Error(`not imported: ${JSON.stringify(outcome)}`);
    expect(outcome.warning).toEqual(expect.stringContaining("listed errors beside its counts"));
    expect(outcome.warning).not.toContain(`x${hash.slice(0, kept)}`);
  }
});
