import { httpStatusOf, type ApiError } from "./api-error.js";

/**
 * Why a failed request certainly made the vendor act on nothing:
 * - `not_sent`: it never reached the vendor (no connection was made, no credentials to send it with, or the
 *   caller stopped it before it went out);
 * - `turned_away`: the vendor answered 429 or 503 (whatever the body, documented or not), which say the
 *   request was not processed; or a try reached the vendor and was turned away so (or with a 401 before a
 *   renewed token), and the tries after it never reached the vendor.
 * Either holds only when no earlier try of the same call may have reached the vendor.
 */
export type Unprocessed = "not_sent" | "turned_away";

/** Whether the vendor can have acted on the call that failed with `error`; undefined when it may have. */
export function unprocessedBy(error: ApiError): Unprocessed | undefined {
  if (error.afterArrivedTry === true) return undefined;
  if (error.cannotHaveArrived === true) return "not_sent";
  if (error.turnedAwayOnly === true) return "turned_away";
  // Their status is the token endpoint's answer (no token to send the request with), not one to the request:
  // a retry that met it may come after a try that reached the vendor.
  if (error.status === "network" || error.status === "auth") return undefined;
  const httpStatus = httpStatusOf(error);
  // Not a 408: a proxy in front of the vendor may send it after it forwarded the request (a 408 before a
  // retry counts so too: see mayHaveBeenProcessed in the transport).
  return httpStatus === 429 || httpStatus === 503 ? "turned_away" : undefined;
}
