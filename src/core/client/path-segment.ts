import { defaultPathSerializer, type Middleware } from "openapi-fetch";
import type { OperationTable } from "./operation-table.js";
import { hasTemplateShape } from "./template-shape.js";
import { targetOf } from "./transport-variant.js";

// What URL parsing resolves as `.` or `..` (WHATWG URL: `%2e` in any case counts as a dot).
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/**
 * Whether `text`, put in a URL path as one segment, stays a segment of its own: not empty and not a dot
 * segment, which URL parsing would resolve into another path (`/v2/users/{id}` with `..` is `/v2/`).
 */
export function isPathSegment(text: string): boolean {
  return text !== "" && !DOT_SEGMENT.test(text);
}

/**
 * Client-level middleware that refuses, before anything is sent, a request whose path parameter would make
 * an empty or a dot segment: the URL would reach another path of the same host, another operation (an
 * update of user `.` is `POST /v2/users/`, Create User; a job `.` polls the job named by the next segment).
 * @throws TypeError naming the operation and the parameter.
 */
export function pathSegmentGuard(operations: OperationTable): Middleware {
  return {
    onRequest({ request, schemaPath, params, options }) {
      const values = (params as { path?: Record<string, unknown> }).path ?? {};
      // Up to a raw call's query or fragment: the segment before it resolves as any other does.
      const template = schemaPath.replace(/[?#].*$/s, "");
      const operation = () => targetOf(operations, request.method, schemaPath, undefined).operation;
      for (const part of template.split("/")) {
        if (!part.includes("{")) continue;
        const segment = defaultPathSerializer(part, values);
        // A parameter left out stays `{name}`: no segment to resolve.
        if (segment.includes("{") || isPathSegment(segment)) continue;
        throw new TypeError(
          `${operation()}: path parameter ${part.replace(/[{}]/g, "")} is ${JSON.stringify(segment)}, which would send the request to another path (an empty or dot segment); nothing was sent`,
        );
      }
      // The check above reads the values as openapi-fetch's own serializer puts them; a call's
      // `pathSerializer` may put `/`, `\` or a dot segment in as it is. What is checked here is the URL to be
      // sent (see hasTemplateShape).
      const sentTo = new URL(request.url).pathname;
      if (template.includes("{") && !hasTemplateShape(sentTo, options.baseUrl, template))
        throw new TypeError(
          `${operation()}: a path parameter, as the call's pathSerializer put it, is not one segment of its own (it holds a / or a dot segment), which would send the request to another path; nothing was sent`,
        );
      return undefined;
    },
  };
}

/**
 * `path` with its percent-escapes of unreserved characters (letters, digits, `-._~`) decoded: RFC 3986
 * (6.2.2.2) makes `/v2/users/%62atch` the same path as `/v2/users/batch`, and servers route it there. An
 * escape of any other character (`%2F`) stays: decoded, it would be another path.
 */
export function unreservedDecoded(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(char) ? char : escape;
  });
}

/**
 * `path` as a route is compared: escapes of unreserved characters decoded (see {@link unreservedDecoded}), a
 * slash written twice taken as one and a trailing slash dropped. The simulators route `/v2/users/batch/` as
 * `/v2/users/batch`, and many servers do, as many merge `//` (nginx by default): a guarantee kept for a
 * route (a write's Idempotency-Key, no token for the token endpoint) must hold however the caller spells it.
 */
export function routePath(path: string): string {
  const merged = unreservedDecoded(path).replace(/\/{2,}/g, "/");
  return merged.length > 1 ? merged.replace(/\/$/, "") : merged;
}
