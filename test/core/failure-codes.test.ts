// Failure codes are typed per vendor, so code that matches them (a CLI, a soak check) is checked by tsc; and
// "every item gets this outcome" is one helper.
import { describe, expect, expectTypeOf, it } from "vitest";
import type { ChunkResult, ItemOutcome } from "../../src/core/engine/adapter.js";
import { chunkFailed } from "../../src/core/engine/chunk-outcomes.js";
import {
  vendorCode,
  type EngineFailureCode,
  type RequestFailureCode,
} from "../../src/core/engine/failure-codes.js";
import { everyItem } from "../../src/core/engine/outcomes.js";
import { ApiError } from "../../src/core/errors/api-error.js";
import type { FullStoryFailureCode } from "../../src/fullstory/failure-codes.js";
import type { PropellerFailureCode } from "../../src/propeller/failure-codes.js";
import type { SlashIdFailureCode } from "../../src/slashid/failure-codes.js";
import type { UserpilotFailureCode } from "../../src/userpilot/failure-codes.js";

describe("failure codes", () => {
  it("each vendor's union takes its own codes and the request failures, and refuses a mistyped one", () => {
    expectTypeOf<
      "job_timeout" | "job_failed" | "job_conflict" | "held_back"
    >().toExtend<UserpilotFailureCode>();
    expectTypeOf<"job_timout">().not.toExtend<UserpilotFailureCode>();
    expectTypeOf<"results_incomplete" | "no_outcome">().toExtend<FullStoryFailureCode>();
    expectTypeOf<
      "rejected_by_vendor" | "import_unconfirmed" | "402"
    >().toExtend<SlashIdFailureCode>();
    expectTypeOf<"job_failed">().not.toExtend<SlashIdFailureCode>();
    expectTypeOf<"network" | "timeout" | "429">().toExtend<PropellerFailureCode>();
    // A code from the vendor's answer is only taken once marked as the vendor's.
    expectTypeOf<string>().not.toExtend<PropellerFailureCode>();
    expectTypeOf(vendorCode("E_DUPLICATE")).toExtend<PropellerFailureCode>();
    expect(vendorCode("E_DUPLICATE")).toBe("E_DUPLICATE");
  });

  it("each vendor's union takes the codes the engine gives its records too (fatal, aborted, …)", () => {
    // A report's failed outcome of any vendor may carry these: an exhaustive switch over the vendor's union,
    // as its module's docs offer it for a failed user's code, must meet them.
    expectTypeOf<EngineFailureCode>().toEqualTypeOf<
      "fatal" | "aborted" | "chunk_failed" | "no_outcome"
    >();
    expectTypeOf<EngineFailureCode>().toExtend<FullStoryFailureCode>();
    expectTypeOf<EngineFailureCode>().toExtend<PropellerFailureCode>();
    expectTypeOf<EngineFailureCode>().toExtend<SlashIdFailureCode>();
    expectTypeOf<EngineFailureCode>().toExtend<UserpilotFailureCode>();
  });

  it("everyItem gives each item of the chunk the one outcome", () => {
    const outcome: ItemOutcome<UserpilotFailureCode> = {
      ok: false,
      code: "job_failed",
      reason: "job j1 failed",
    };
    expect(everyItem(3, outcome)).toEqual({ kind: "done", outcomes: [outcome, outcome, outcome] });
    expect(everyItem(0, outcome)).toEqual({ kind: "done", outcomes: [] });
  });

  it("chunkFailed gives every item the request's failure as its code", () => {
    const error = Object.assign(
      new ApiError("network failure", { operation: "op", method: "POST", path: "/x" }),
      { status: "network" as const },
    );
    const result = chunkFailed(error, 2);
    expectTypeOf(result).toEqualTypeOf<ChunkResult<RequestFailureCode>>();
    expect(result).toEqual({
      kind: "done",
      outcomes: [
        { ok: false, code: "network", reason: "network failure", transient: true },
        { ok: false, code: "network", reason: "network failure", transient: true },
      ],
    });
  });
});
