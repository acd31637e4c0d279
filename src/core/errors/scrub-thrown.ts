import { TransportFailure } from "../http/failures.js";
import { ApiError } from "./api-error.js";
import type { SecretSet } from "./secrets.js";

const BUILTIN_ERRORS = [TypeError, SyntaxError, RangeError] as const;

/**
 * What may be thrown out of the library in place of `error`: the same kind of error with every string it
 * carries scrubbed, and without its `cause` chain or original stack (either may quote a secret). An
 * {@link ApiError} is built scrubbed already and passes as it is.
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
