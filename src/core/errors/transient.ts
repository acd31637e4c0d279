import type { ApiError } from "./api-error.js";

/** Failures a later attempt may not meet: no answer, a rate limit, a server error. */
export function isTransient(error: ApiError): boolean {
  const status = error.status;
  if (typeof status === "number") return status === 408 || status === 429 || status >= 500;
  if (status === "undocumented" || status === "malformed") {
    const http = (error as ApiError & { httpStatus: number }).httpStatus;
    return http === 408 || http === 429 || http >= 500;
  }
  return status === "network" || status === "timeout" || status === "aborted";
}
