import { httpStatusOf, type ApiError } from "../errors/api-error.js";
import { isTransient } from "../errors/transient.js";
import type { ChunkResult, ItemOutcome } from "./adapter.js";
import { requestFailureCode, type RequestFailureCode } from "./failure-codes.js";
import { everyItem } from "./outcomes.js";

/**
 * Answers that will refuse every other chunk too: going on would only fail the rest slowly. A 401 or 403 is
 * one whatever its body: a gateway's HTML login page arrives as `malformed` or `undocumented`, not as 401.
 * So is a redirect: the host answers every request so, and no request is sent where it points.
 */
export function isFatal(error: ApiError): boolean {
  if (error.status === 401 || error.status === 403 || error.status === "auth") return true;
  if (error.status === "redirect") return true;
  const httpStatus = httpStatusOf(error);
  return httpStatus === 401 || httpStatus === 403;
}

/** The outcome of a record whose request failed: the error's status as code, its message as reason. */
export function failedBy(error: ApiError): ItemOutcome<RequestFailureCode> {
  const code = requestFailureCode(error);
  return isTransient(error)
    ? { ok: false, code, reason: error.message, transient: true }
    : { ok: false, code, reason: error.message };
}

/** A chunk whose request failed for good: fatal for bad credentials, otherwise every record failed. */
export function chunkFailed(error: ApiError, size: number): ChunkResult<RequestFailureCode> {
  if (isFatal(error)) return { kind: "fatal", error };
  return everyItem(size, failedBy(error));
}
