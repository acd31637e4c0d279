// What the helpers that every adapter builds its records' outcomes with make the report say of a record:
// whether the vendor may hold it (the mark the report's vendorMayHold counts, and the words that say why,
// said once), whether the failure may pass, and whether its request certainly wrote nothing.
import { describe, expect, it } from "vitest";
import type { ItemOutcome } from "../../src/core/engine/adapter.js";
import {
  afterLostSend,
  afterUnansweredSend,
  EARLIER_TRY_NOTE,
  failedBy,
  jobMayHold,
  mayHold,
  UNFOLLOWED_NOTE,
  UNSETTLED_JOB_NOTE,
  UNSETTLED_WRITE_NOTE,
  withNote,
  wroteNothing,
} from "../../src/core/engine/chunk-outcomes.js";
import { ApiError } from "../../src/core/errors/api-error.js";

const target = { operation: "op", method: "POST", path: "/users" };
const errorOf = (message: string, fields: Record<string, unknown>): ApiError =>
  Object.assign(new ApiError(message, target), fields);

const refused: ItemOutcome = { ok: false, code: "400", reason: "email is not valid" };
const rateLimited: ItemOutcome = { ok: false, code: "429", reason: "HTTP 429", transient: true };
const aborted: ItemOutcome = {
  ok: false,
  code: "aborted",
  reason: "the caller stopped the import",
  transient: true,
};

describe("failedBy: a record whose request failed", () => {
  it("refused in a write's first try: the refusal alone, the vendor holds nothing", () => {
    expect(failedBy(errorOf("HTTP 400", { status: 400 }), "write")).toEqual({
      ok: false,
      code: "400",
      reason: "HTTP 400",
    });
  });

  it("a write no answer settled: may pass, and the vendor may hold the record, in those words", () => {
    expect(failedBy(errorOf("HTTP 502", { status: 502 }), "write")).toEqual({
      ok: false,
      code: "502",
      reason: `HTTP 502${UNSETTLED_WRITE_NOTE}`,
      transient: true,
      vendorMayHold: true,
    });
  });

  it("a write whose 2xx answer was too large to read: accepted, so as lost as a 502, not a refusal", () => {
    const tooLarge = errorOf("HTTP 200 with a body over 10 bytes", {
      status: "too_large",
      httpStatus: 200,
    });
    expect(failedBy(tooLarge, "write")).toMatchObject({
      transient: true,
      vendorMayHold: true,
      reason: `HTTP 200 with a body over 10 bytes${UNSETTLED_WRITE_NOTE}`,
    });
  });

  it("a write the caller aborted: may pass, with no words but the engine's", () => {
    expect(failedBy(errorOf("aborted by the caller", { status: "aborted" }), "write")).toEqual({
      ok: false,
      code: "aborted",
      reason: "aborted by the caller",
      transient: true,
    });
  });

  it("unnamed, a follow-up no answer settled: may pass, and says nothing of a write", () => {
    expect(failedBy(errorOf("HTTP 502", { status: 502 }))).toEqual({
      ok: false,
      code: "502",
      reason: "HTTP 502",
      transient: true,
    });
  });

  it("a follow-up turned away (429) is not marked as writing nothing: the job it follows may have", () => {
    const turnedAway = errorOf("HTTP 429", { status: 429 });
    expect(failedBy(turnedAway, "write")).toMatchObject({ unprocessed: "turned_away" });
    expect(failedBy(turnedAway, "follow")).toEqual({
      ok: false,
      code: "429",
      reason: "HTTP 429",
      transient: true,
    });
  });
});

describe("a write that found no access token for a try (the token endpoint answered 429)", () => {
  // The 429 is the token endpoint's, not the vendor's to the write: it says nothing was turned away. Only
  // whether any try went out does.
  const noToken = (fields: Record<string, unknown>) =>
    errorOf("network failure, no usable response (no access token: HTTP 429)", {
      status: "network",
      httpStatus: 429,
      ...fields,
    });

  it("no try sent: code 429, may pass, the vendor holds nothing", () => {
    expect(failedBy(noToken({ cannotHaveArrived: true }), "write")).toEqual({
      ok: false,
      code: "429",
      reason: "network failure, no usable response (no access token: HTTP 429)",
      transient: true,
      unprocessed: "not_sent",
    });
    expect(wroteNothing(noToken({ cannotHaveArrived: true }))).toBe(true);
  });

  it("a retry's, after a try that may have arrived: code 429, and the vendor may hold the record", () => {
    expect(failedBy(noToken({}), "write")).toEqual({
      ok: false,
      code: "429",
      reason: `network failure, no usable response (no access token: HTTP 429)${UNSETTLED_WRITE_NOTE}`,
      transient: true,
      vendorMayHold: true,
    });
    expect(wroteNothing(noToken({}))).toBe(false);
  });
});

describe("wroteNothing: whether a failed write certainly left nothing at the vendor", () => {
  it("holds for refused credentials and a 429, unless an earlier try may have arrived", () => {
    expect(wroteNothing(errorOf("HTTP 401", { status: 401 }))).toBe(true);
    expect(wroteNothing(errorOf("HTTP 429", { status: 429 }))).toBe(true);
    expect(wroteNothing(errorOf("HTTP 401", { status: 401, afterArrivedTry: true }))).toBe(false);
    expect(wroteNothing(errorOf("HTTP 429", { status: 429, afterArrivedTry: true }))).toBe(false);
    expect(wroteNothing(errorOf("HTTP 400", { status: 400 }))).toBe(false);
  });
});

describe("afterLostSend: the answer to a send after one whose answer was lost", () => {
  it("leaves an import and a failure that may pass as they are, and marks a refusal", () => {
    const imported: ItemOutcome = { ok: true, id: "u1" };
    expect(afterLostSend(imported)).toEqual(imported);
    expect(afterLostSend(rateLimited)).toEqual(rateLimited);
    expect(afterLostSend(refused)).toEqual({
      ...refused,
      reason: `email is not valid${EARLIER_TRY_NOTE}`,
      vendorMayHold: true,
    });
  });
});

describe("afterUnansweredSend: the answer to a send after one no answer settled", () => {
  it("marks a failure that may pass, and a refusal coded `aborted`, but not the engine's abort", () => {
    expect(afterUnansweredSend(rateLimited)).toEqual({
      ...rateLimited,
      reason: `HTTP 429${EARLIER_TRY_NOTE}`,
      vendorMayHold: true,
    });
    const vendorsAborted: ItemOutcome = { ok: false, code: "aborted", reason: "job aborted" };
    expect(afterUnansweredSend(vendorsAborted)).toEqual({
      ...vendorsAborted,
      reason: `job aborted${EARLIER_TRY_NOTE}`,
      vendorMayHold: true,
    });
    expect(afterUnansweredSend(aborted)).toEqual(aborted);
  });

  it("adds why to an adapter's own doubt that is marked but does not say why", () => {
    const unknown: ItemOutcome = {
      ok: false,
      code: "import_unconfirmed",
      reason: "whether this person was imported is unknown",
      vendorMayHold: true,
    };
    expect(afterUnansweredSend(unknown)).toMatchObject({
      reason: `whether this person was imported is unknown${EARLIER_TRY_NOTE}`,
    });
  });

  it("says the vendor may hold the record once, where an engine note says it already", () => {
    for (const said of [
      jobMayHold({ ok: false, code: "job_lost", reason: "the job is gone" }),
      mayHold({ ok: false, code: "chunk_failed", reason: "the adapter threw" }, UNFOLLOWED_NOTE),
    ])
      expect(afterUnansweredSend(said)).toEqual(said);
  });
});

describe("jobMayHold and withNote", () => {
  it("jobMayHold says the adapter's note, then that the job may have imported the record", () => {
    expect(
      jobMayHold({ ok: false, code: "job_lost", reason: "job j1" }, "; its status answered 404"),
    ).toEqual({
      ok: false,
      code: "job_lost",
      reason: `job j1; its status answered 404${UNSETTLED_JOB_NOTE}`,
      vendorMayHold: true,
      jobMayHold: true,
    });
  });

  it("withNote keeps an import's earlier note and adds the new one after it", () => {
    expect(withNote({ ok: true }, "a")).toEqual({ ok: true, note: "a" });
    expect(withNote({ ok: true, note: "a" }, "b")).toEqual({ ok: true, note: "a; b" });
  });
});
