// A CSV cell under a key column holding only blanks (`  `, `" "`, a no-break space: an exporter's blank
// cell) is read as written, so its record is rejected by the vendor's blank-key rule, named by its line's
// record and never sent; an empty cell still leaves its field out (a Userpilot user without a company, a
// FullStory user keyed by its email), as before.
import { describe, expect, it } from "vitest";
import { createFullStorySimulator, createUserpilotSimulator } from "../../src/testing/index.js";
import {
  CREDS,
  FAST_POLL,
  cli,
  fullStoryFlags,
  steppingClock,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-csv-blank-keys-");
const serve = useServedSimulators();

describe("a CSV cell of blanks under a key column", () => {
  it("userpilot: a blank user_id or company_id cell rejects its row; an empty cell is left out", async () => {
    const sim = createUserpilotSimulator(steppingClock());
    const { url } = await serve(sim);
    const input = file(
      "users.csv",
      'user_id,company_id\nu-1,comp_a\n"  ",comp_b\nu-3,\u00a0\nu-4,\nu-5," "\n',
    );

    const result = await cli(["import", "userpilot", input, "--base-url", url, ...FAST_POLL], {
      env: { USERPILOT_API_KEY: CREDS.apiKey },
    });

    expect(result.code).toBe(1);
    expect(result.stdout.split("\n").slice(1, 4)).toEqual([
      "  rejected [userpilot.user_id] record 1 (  ): user_id: must not be blank",
      "  rejected [userpilot.company_id] record 2 (u-3): company_id: must not be blank",
      "  rejected [userpilot.company_id] record 4 (u-5): company_id: must not be blank",
    ]);
    expect(sim.users().map(({ user_id, company_id }) => [user_id, company_id])).toEqual([
      ["u-1", "comp_a"],
      ["u-4", undefined],
    ]);
  });

  it("fullstory: a blank uid cell rejects its row; an empty one is left out", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(sim);
    const input = file(
      "users.csv",
      "uid,email\nu-1,a@example.com\n\t,b@example.com\n,c@example.com\n",
    );

    const result = await cli(["import", "fullstory", input, ...fullStoryFlags(url)]);

    expect(result.code).toBe(1);
    expect(result.stdout.split("\n")[1]).toBe(
      "  rejected [fullstory.field_type] record 1 (\\t): uid: must not be blank",
    );
    expect(sim.users().map(({ uid, email }) => [uid, email])).toEqual([
      ["u-1", "a@example.com"],
      [undefined, "c@example.com"],
    ]);
  });
});
