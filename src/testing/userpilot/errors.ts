// Userpilot's error answers: `{ errors: [detail] }` for every error status. The detail's `error` label, and
// its message unless its code has one of its own, are the HTTP status text; labels, codes and messages follow
// the spec's examples (which ones Userpilot really sends is UNCONFIRMED).
import { STATUS_CODES } from "node:http";
import type { components } from "../../../generated/userpilot.js";
import { json } from "../faults.js";

const MESSAGES: Readonly<Record<string, string>> = {
  invalid_api_key: "Invalid API key",
  job_not_found: "Job not found",
  job_already_running: "A bulk job is already in progress",
  invalid_json: "Invalid input",
  invalid_input: "Invalid input",
  rate_limit_exceeded: "Rate limit exceeded",
};

function userpilotErrorBody(
  status: number,
  code: string,
  details?: string,
): components["schemas"]["ErrorResponse"] {
  const text = STATUS_CODES[status] ?? "Internal Server Error";
  const error = text.toLowerCase().replaceAll(" ", "_");
  const message = MESSAGES[code] ?? `${text[0]}${text.slice(1).toLowerCase()}`;
  return {
    errors: [{ error, error_code: code, message, ...(details !== undefined && { details }) }],
  };
}

/** An error answer as Userpilot gives it. */
export const userpilotError = (status: number, code: string, details?: string) =>
  json(userpilotErrorBody(status, code, details), status);

/** Userpilot's body for an injected 429 or 5xx. */
export const userpilotFaultBody = (status: number) =>
  status === 429
    ? userpilotErrorBody(429, "rate_limit_exceeded", "At most 600 requests per minute are allowed.")
    : userpilotErrorBody(status, status === 503 ? "service_unavailable" : "internal_error");
