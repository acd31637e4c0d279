// The note that an earlier try may have reached the vendor is said once, also of a reason written by an
// earlier version (a Userpilot job's outcome kept in a journal), whose words were shorter.
import { describe, expect, it } from "vitest";
import {
  afterUnansweredSend,
  EARLIER_TRY_NOTE,
  failedBy,
} from "../../src/core/engine/chunk-outcomes.js";
import { ApiError } from "../../src/core/errors/api-error.js";

const EARLIER_WORDING =
  "; an earlier try got no answer and may have reached the vendor, which may hold this record";

describe("the note that an earlier try may have reached the vendor", () => {
  it("is added to a refusal after a send that got no settling answer", () => {
    const outcome = afterUnansweredSend({ ok: false, code: "400", reason: "refused" });
    expect(outcome).toMatchObject({ reason: `refused${EARLIER_TRY_NOTE}` });
  });

  it("is not added again to a reason that says it in the earlier version's words", () => {
    // Read from the journal, such an outcome is marked by its words (see leavesOpen); the mark as well as
    // the words tells the note is said already.
    const reason = `refused${EARLIER_WORDING}`;
    const read = { ok: false, code: "400", reason, vendorMayHold: true } as const;
    expect(afterUnansweredSend(read)).toMatchObject({ reason, vendorMayHold: true });
  });

  it("is added to a refusal whose own words quote it, and marks it", () => {
    const reason = `refused: value "x${EARLIER_TRY_NOTE}" is not valid`;
    expect(afterUnansweredSend({ ok: false, code: "400", reason })).toMatchObject({
      reason: `${reason}${EARLIER_TRY_NOTE}`,
      vendorMayHold: true,
    });
  });
});

describe("a refusal that answered a retry after a try whose answer was lost", () => {
  const refusal = Object.assign(
    new ApiError("HTTP 400", { operation: "op", method: "GET", path: "/jobs/1" }),
    { status: 400, afterArrivedTry: true as const },
  );

  it("of a write says the earlier try may have written the record", () => {
    expect(failedBy(refusal, "write")).toMatchObject({
      reason: `HTTP 400${EARLIER_TRY_NOTE}`,
      vendorMayHold: true,
    });
  });

  it("of a request that only follows up (a job's status) does not say the record may be written", () => {
    expect(failedBy(refusal, "follow")).toEqual({ ok: false, code: "400", reason: "HTTP 400" });
  });
});
