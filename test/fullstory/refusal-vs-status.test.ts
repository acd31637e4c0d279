// A FullStory job whose status contradicts its errors list: the job says COMPLETED (every user imported, as
// the spec defines it), or counts more imports than the users its errors list leaves, while that list refuses
// a user. FullStory said both, so the report takes neither word alone: the refusal stands, saying FullStory
// may hold the user.
import { describe, expect, it } from "vitest";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { json } from "../../src/testing/faults.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { mountFullStory, sendChunk } from "./harness.js";

const server = useMswServer();
const input: FullStoryUser[] = [{ uid: "u-0" }, { uid: "u-1" }, { uid: "u-2" }];

/** The chunk's outcomes when FullStory refuses u-2 and its ended status is rewritten to `status`. */
async function outcomesOf(status: { status: string; imports: number; errors: number }) {
  mountFullStory(server, {
    faults: {
      reject: (key) => key === "uid:u-2",
      script: (call) => {
        if (call.operation !== "getBatchImportStatus") return undefined;
        return {
          after: async (answer) => {
            const body = (await answer.json()) as { job: { status: string } };
            if (body.job.status === "PROCESSING") return json(body, 200);
            const { imports, errors } = status;
            return json({ ...body, imports, errors, job: { ...body.job, status: status.status } });
          },
        };
      },
    },
  });
  return (await sendChunk(input)).outcomes;
}

const mayHold = matching(/the vendor may hold this record/);

describe("a refusal the job's own status contradicts", () => {
  it("a COMPLETED job (every user imported) whose errors list refuses one: FullStory may hold it", async () => {
    const outcomes = await outcomesOf({ status: "COMPLETED", imports: 2, errors: 0 });

    expect(outcomes[2]).toEqual({
      ok: false,
      code: "simulated_rejection",
      reason: matching(/ended COMPLETED, which says every user was imported.*may hold this record/),
      vendorMayHold: true,
      jobMayHold: true,
    });
    expect(outcomes.slice(0, 2).every((o) => o.ok)).toBe(true);
  });

  it("a FAILED job counting every user imported while its errors list refuses one: FullStory may hold it", async () => {
    const outcomes = await outcomesOf({ status: "FAILED", imports: 3, errors: 1 });

    expect(outcomes[2]).toMatchObject({ ok: false, code: "simulated_rejection", reason: mayHold });
  });

  it("an honest FAILED job: the refusal is FullStory's word alone", async () => {
    const outcomes = await outcomesOf({ status: "FAILED", imports: 2, errors: 1 });

    expect(outcomes[2]).toEqual({
      ok: false,
      code: "simulated_rejection",
      reason: "the simulator rejected this user (rejectRate)",
    });
  });
});
