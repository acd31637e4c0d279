import { randomUUID } from "node:crypto";
import type { Middleware } from "openapi-fetch";
import { hasIdempotentMethod } from "../http/retry-policy.js";
import type { OperationSpec } from "./operation-table.js";
import { routePath } from "./path-segment.js";

/**
 * Client-level middleware that gives every request of `keyed` operations an `Idempotency-Key` (a UUID v4)
 * when the caller set none (or an empty one), so operation methods and `raw` calls alike are safe to retry.
 * A caller's own key (a resumed import's saved key) is left as it is. A request is matched by the path it is
 * sent to, not by the template it was called with: `raw.POST("/v2/users/batch?…")` reaches the same write.
 */
export function idempotencyKey(baseUrl: string, keyed: readonly OperationSpec[]): Middleware {
  const isKeyed = keyedRoute(baseUrl, keyed);
  return {
    onRequest({ request }) {
      // Set in place: a new Request would have to take over the body stream to carry one more header. An
      // empty key (an unset variable) is none: the vendor could not tell two requests under it apart.
      if (isKeyed(request) && (request.headers.get("Idempotency-Key") ?? "") === "") {
        request.headers.set("Idempotency-Key", randomUUID());
      }
      return undefined;
    },
  };
}

/**
 * Which requests of a client under `baseUrl` may be replayed after an ambiguous failure: an idempotent method,
 * or a POST to one of the `keyed` operations (the ones the vendor makes idempotent) that carries its key. A
 * key on any other request (a caller's header on a write the vendor does not key) guarantees nothing: the
 * vendor does not honour it, and a replay may be acted on twice.
 */
export function replaySafeUnder(
  baseUrl: string,
  keyed: readonly OperationSpec[],
): (request: Request) => boolean {
  const isKeyed = keyedRoute(baseUrl, keyed);
  return (request) => {
    if (hasIdempotentMethod(request)) return true;
    if ((request.headers.get("idempotency-key") ?? "") === "") return false;
    return isKeyed(request);
  };
}

/**
 * Whether a request goes to one of the `keyed` operations under `baseUrl`, by its method and URL path,
 * however spelled (see {@link routePath}): a key on a request the vendor routes elsewhere is ignored, while
 * a write it routes here without one may be imported twice.
 */
function keyedRoute(
  baseUrl: string,
  keyed: readonly OperationSpec[],
): (request: Request) => boolean {
  const base = new URL(baseUrl).pathname;
  const routes = keyed.map((spec) => ({
    method: spec.method.toUpperCase(),
    segments: routePath(`${base}${spec.path}`).split("/"),
  }));
  return (request) => {
    const path = routePath(new URL(request.url).pathname).split("/");
    const method = request.method.toUpperCase();
    return routes.some(
      (route) =>
        route.method === method &&
        route.segments.length === path.length &&
        // A parameter (`{id}`) stands for one segment, not empty.
        route.segments.every((part, i) =>
          /^\{[^}]+\}$/.test(part) ? path[i] !== "" : part === path[i],
        ),
    );
  };
}
