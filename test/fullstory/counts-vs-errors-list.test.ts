// A COMPLETED FullStory job whose `imports` count covers every user of the chunk, while its errors list
// refuses one of them and its imports list leaves another out. The count then counts as imported a user the
// report calls refused: it is wrong by at least one, so it cannot confirm the user no list names.
import { describe, expect, it } from "vitest";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { json } from "../../src/testing/faults.js";
import { useMswServer } from "../support/msw.js";
import { lying, mountFullStory, sendChunk } from "./harness.js";

const server = useMswServer();

describe("a COMPLETED job counting every user imported while its errors list refuses one", () => {
  it("does not confirm the user neither list names", async () => {
    const input: FullStoryUser[] = [{ uid: "u-0" }, { uid: "u-1" }, { uid: "u-2" }];
    const lies = lying({ omit: (uid) => uid === "u-1" });
    mountFullStory(server, {
      faults: {
        reject: (key) => key === "uid:u-2",
        script: async (call) => {
          if (call.operation !== "getBatchImportStatus") return lies(call);
          // The status says COMPLETED, 3 of 3 imported, no errors.
          return {
            after: async (answer) => {
              const body = (await answer.json()) as { job: { status: string } };
              if (body.job.status === "PROCESSING") return json(body, 200);
              return json({
                ...body,
                imports: 3,
                errors: 0,
                job: { ...body.job, status: "COMPLETED" },
              });
            },
          };
        },
      },
    });
    const result = await sendChunk(input);

    expect(result.outcomes[0]).toMatchObject({ ok: true });
    expect(result.outcomes[2]).toMatchObject({ ok: false, code: "simulated_rejection" });
    // u-1: listed nowhere; the count that would confirm it also counts u-2, whom FullStory refused.
    expect(result.outcomes[1]).toMatchObject({ ok: false, code: "no_outcome" });
  });
});
