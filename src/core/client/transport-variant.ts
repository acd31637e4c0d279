import { ApiError, type RequestTarget } from "../errors/api-error.js";
import type { SecretSet } from "../errors/secrets.js";
import type { TransportFailure } from "../http/failures.js";
import type { OperationTable } from "./operation-table.js";

/** The typed error for a call that got no usable response: the same for operation methods and `raw`. */
export function failureError(
  failure: TransportFailure,
  target: RequestTarget,
  secrets: SecretSet,
): ApiError {
  return ApiError.of(variantOf(failure), target, secrets, failure);
}

/**
 * Where a call went, by the spec's path template and its path parameters: the operationId the table gives
 * the method and template (`raw` for a path the table does not hold), and the concrete path.
 */
export function targetOf(
  operations: OperationTable,
  method: string,
  called: string,
  pathParams: Record<string, unknown> | undefined,
): RequestTarget {
  // A raw call's path may carry a query or a fragment, which a target never names (it may hold an address or
  // a token the client does not know to scrub), and without which the path is an operation's.
  const template = called.replace(/[?#].*$/s, "");
  const upper = method.toUpperCase();
  const operation =
    Object.entries(operations).find(
      ([, spec]) => spec.path === template && spec.method.toUpperCase() === upper,
    )?.[0] ?? "raw";
  return { operation, method: upper, path: concretePath(template, pathParams) };
}

function variantOf(failure: TransportFailure): Fields {
  const httpStatus = failure.response?.httpStatus ?? 0;
  switch (failure.kind) {
    case "timeout":
      return { status: "timeout", timeoutMs: failure.timeoutMs ?? 0 };
    case "auth":
      return { status: "auth", reason: failure.message };
    case "redirect":
      return { status: "redirect", httpStatus, location: failure.response?.location ?? null };
    case "too_large":
      return { status: "too_large", httpStatus, maxBytes: failure.response?.maxBytes ?? 0 };
    default:
      return { status: failure.kind };
  }
}

type Fields = { readonly status: string } & Record<string, unknown>;

/**
 * The path template with its parameters filled in, percent-encoded; a missing one stays `{name}`, and so does
 * an object (no spec declares one), rather than naming the path `[object Object]`.
 */
export function concretePath(
  template: string,
  params: Record<string, unknown> | undefined,
): string {
  return template.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const value = params?.[name];
    return typeof value === "string" ||
      typeof value === "number" ||
      typeof value === "boolean" ||
      typeof value === "bigint"
      ? encodeURIComponent(String(value))
      : whole;
  });
}
