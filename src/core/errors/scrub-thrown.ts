import { TransportFailure } from "../http/failures.js";
import { ApiError } from "./api-error.js";
import type { SecretSet } from "./secrets.js";

const BUILTIN_ERRORS = [TypeError, SyntaxError, RangeError] as const;

/**
 * What may be thrown out of the library in place of `error`: a copy with its message (and a failure's
 * redirect `location`) scrubbed, without its `cause` chain, original stack or other fields (any may quote a
 * secret). A `TransportFailure`, TypeError, SyntaxError or RangeError stays one; another Error becomes an
 * Error of the same `name`; anything else thrown, an Error of its text. An {@link ApiError} is built
 * scrubbed already and passes as it is.
 */
export function scrubThrown(error: unknown, secrets: SecretSet): unknown {
  if (error instanceof ApiError) return error;
  if (error instanceof TransportFailure) {
    const response =
      error.response === undefined
        ? undefined
        : {
            ...error.response,
            ...(error.response.location !== undefined && {
              location:
                error.response.location === null
                  ? null
                  : secrets.scrubRuns(error.response.location),
            }),
          };
    const safe = new TransportFailure(
      error.kind,
      secrets.scrubRuns(error.message),
      error.mayHaveArrived,
      error.timeoutMs,
      response,
    );
    safe.withheld = error.withheld;
    safe.turnedAway = error.turnedAway;
    return safe;
  }
  if (error instanceof Error) {
    const Kind = BUILTIN_ERRORS.find((builtin) => error instanceof builtin) ?? Error;
    const safe = new Kind(secrets.scrubRuns(error.message));
    // Callers tell errors apart by name (an `AbortError`, say), so it survives the copy.
    safe.name = error.name;
    return safe;
  }
  return new Error(secrets.scrubRuns(String(error)));
}
