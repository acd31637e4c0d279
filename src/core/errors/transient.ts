import { httpStatusOf, type ApiError } from "./api-error.js";

/**
 * Failures a later attempt may not meet: no answer (or a 408), a rate limit, a server error, or a 2xx that
 * cannot be read as documented ({@link isUnreadableSuccess}).
 */
export function isTransient(error: ApiError): boolean {
  const status = error.status;
  if (typeof status === "number") return status === 408 || status === 429 || status >= 500;
  if (status === "undocumented" || status === "malformed") {
    const http = httpStatusOf(error) ?? 0;
    return isUnreadableSuccess(error) || http === 408 || http === 429 || http >= 500;
  }
  return status === "network" || status === "timeout" || status === "aborted";
}

/**
 * A 2xx that cannot be read as documented (a proxy's HTML page, JSON without a required field). The vendor
 * accepted the request and may have acted on it, so its answer is as lost as one behind a gateway's 502
 * page: the caller's replay (the same Idempotency-Key, an upsert, a search for the job) settles it, where
 * calling its records failed could contradict what the vendor holds.
 */
export function isUnreadableSuccess(error: ApiError): boolean {
  if (error.status !== "undocumented" && error.status !== "malformed") return false;
  const http = httpStatusOf(error) ?? 0;
  return http >= 200 && http < 300;
}

/**
 * A body over `maxResponseBytes` that came with a 2xx, 408, 429 or 5xx: the client never retries it (the same
 * call would meet the same body), but it is no refusal. The vendor may have acted on the request (a 2xx, a
 * gateway's huge 502 page), so its answer is as lost as an unreadable one, and a caller's replay settles it.
 */
export function isTooLargeLostAnswer(error: ApiError): boolean {
  if (error.status !== "too_large") return false;
  const http = httpStatusOf(error) ?? 0;
  return (http >= 200 && http < 300) || http === 408 || http === 429 || http >= 500;
}
