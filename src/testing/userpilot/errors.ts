// Userpilot's error answers: `{ errors: [detail] }` for every error status, as the spec's examples show
// them (which labels, codes and messages Userpilot really sends is UNCONFIRMED). Where the spec shows no
// example for a code, the detail's `error` label and message are the HTTP status text.
import { STATUS_CODES } from "node:http";
import type { components } from "../../../generated/userpilot.js";
import { document } from "../../../generated/userpilot.document.js";
import { json } from "../faults.js";
import { documentedExamples } from "../kit/examples.js";

type ErrorResponse = components["schemas"]["ErrorResponse"];

/**
 * An error answer in Userpilot's documented envelope: the spec's example for `status` with `code`, its
 * `details` replaced when given.
 */
export function userpilotError(status: number, code: string, details?: string): Response {
  const shown = (documentedExamples(document, status) as ErrorResponse[])
    .flatMap((body) => body.errors ?? [])
    .find((detail) => detail.error_code === code);
  const text = STATUS_CODES[status] ?? "Internal Server Error";
  const { details: example, ...detail } = shown ?? {
    error: text.toLowerCase().replaceAll(" ", "_"),
    error_code: code,
    message: `${text[0]}${text.slice(1).toLowerCase()}`,
  };
  const said = details ?? example;
  return json({ errors: [{ ...detail, ...(said !== undefined && { details: said }) }] }, status);
}
