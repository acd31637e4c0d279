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
      return {
        status: "auth",
        reason: failure.message,
        ...(failure.response === undefined ? {} : { httpStatus: failure.response.httpStatus }),
        ...(failure.response?.oauthError === undefined
          ? {}
          : { oauthError: failure.response.oauthError }),
      };
    case "network":
      // A token endpoint's answer that gave no token (see withBearerAuth); no other network failure has one.
      return {
        status: "network",
        ...(failure.response === undefined ? {} : { httpStatus: failure.response.httpStatus }),
      };
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
 * an object (no spec declares one), rather than naming the path `[object Object]`. A parameter is a `{`, the
 * text up to the next `}` (at least one character, `{` among them) and that `}`, as the regex
 * `/\{([^}]+)\}/g` finds them; found with one pass over the template, as that regex, on a raw call's path of
 * `{` after `{` with no `}`, scanned the rest of the path from each of them (11 s for 128 Ki of them).
 */
export function concretePath(
  template: string,
  params: Record<string, unknown> | undefined,
): string {
  let out = "";
  let done = 0;
  let open = template.indexOf("{");
  while (open !== -1) {
    const close = template.indexOf("}", open + 1);
    // No `}` past this `{`: none past any later one either.
    if (close === -1) break;
    if (close === open + 1) {
      open = template.indexOf("{", close);
      continue;
    }
    const value = params?.[template.slice(open + 1, close)];
    out += template.slice(done, open);
    out +=
      typeof value === "string" ||
      typeof value === "number" ||
      typeof value === "boolean" ||
      typeof value === "bigint"
        ? encodeURIComponent(String(value))
        : template.slice(open, close + 1);
    done = close + 1;
    open = template.indexOf("{", done);
  }
  return out + template.slice(done);
}
