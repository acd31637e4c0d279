// Userpilot's error bodies as the simulator answers them: `{ errors: [detail] }` for every error status.
// The labels and codes follow the spec's examples (which codes Userpilot really sends is UNCONFIRMED).
import type { components } from "../../../generated/userpilot.js";
import { json } from "../faults.js";

type ErrorDetail = components["schemas"]["ErrorDetail"];

const detail = (error: string, error_code: string, message: string, details?: string) => ({
  error,
  error_code,
  message,
  ...(details !== undefined && { details }),
});

export const USERPILOT_ERRORS = {
  unauthorized: detail(
    "unauthorized",
    "invalid_api_key",
    "Invalid API key",
    "Use 'Authorization: Token <API key>' with the API key from Environment Settings.",
  ),
  notFound: detail("not_found", "not_found", "Not found"),
  jobNotFound: (jobId: string) =>
    detail("not_found", "job_not_found", "Job not found", `No background job with id ${jobId}`),
  jobRunning: (jobId: string) =>
    detail(
      "conflict",
      "job_already_running",
      "A bulk job is already in progress",
      `Wait for job ${jobId} to finish.`,
    ),
  tooLarge: (maxBytes: number, bytes: number) =>
    detail(
      "payload_too_large",
      "payload_too_large",
      "Payload too large",
      `The request body must not exceed ${maxBytes} bytes; it has ${bytes}.`,
    ),
  notJson: detail(
    "bad_request",
    "invalid_json",
    "Invalid input",
    "The request body is not valid JSON.",
  ),
  invalid: (details: string) => detail("bad_request", "invalid_input", "Invalid input", details),
  rateLimited: detail(
    "too_many_requests",
    "rate_limit_exceeded",
    "Rate limit exceeded",
    "At most 600 requests per minute are allowed.",
  ),
  unavailable: detail("service_unavailable", "service_unavailable", "Service unavailable"),
  internal: detail("internal_server_error", "internal_error", "Internal server error"),
} as const;

/** The body of an error answer. */
export const userpilotErrorBody = (
  detail: ErrorDetail,
): components["schemas"]["ErrorResponse"] => ({
  errors: [detail],
});

/** An error answer with `status` and Userpilot's body for `detail`. */
export const userpilotError = (status: number, detail: ErrorDetail): Response =>
  json(userpilotErrorBody(detail), status);

/** Userpilot's body for an injected 429 or 5xx. */
export const userpilotFaultBody = (status: number) =>
  userpilotErrorBody(
    status === 429
      ? USERPILOT_ERRORS.rateLimited
      : status === 503
        ? USERPILOT_ERRORS.unavailable
        : USERPILOT_ERRORS.internal,
  );
