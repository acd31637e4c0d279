import { randomUUID } from "node:crypto";
import type { Middleware } from "openapi-fetch";
import type { OperationSpec } from "./operation-table.js";

/**
 * Client-level middleware that gives every request of `keyed` operations an `Idempotency-Key` (a UUID v4)
 * when the caller set none, so operation methods and `raw` calls alike are safe to retry. A caller's own key
 * (a resumed import's saved key) is left as it is.
 */
export function idempotencyKey(keyed: readonly OperationSpec[]): Middleware {
  return {
    onRequest({ request, schemaPath }) {
      const method = request.method.toUpperCase();
      const applies = keyed.some(
        (spec) => spec.path === schemaPath && spec.method.toUpperCase() === method,
      );
      // Set in place: a new Request would have to take over the body stream to carry one more header.
      if (applies && !request.headers.has("Idempotency-Key")) {
        request.headers.set("Idempotency-Key", randomUUID());
      }
      return undefined;
    },
  };
}
