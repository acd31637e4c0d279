import type { Middleware } from "openapi-fetch";
import type { OperationTable } from "./operation-table.js";
import { targetOf } from "./transport-variant.js";

/**
 * Client-level middleware that refuses, before anything is sent, a request leaving the client's base URL's
 * origin: openapi-fetch takes a `baseUrl` per call, and the client's credentials (its headers, or the access
 * token the transport adds) would go with the request to whatever origin that names.
 * @throws TypeError naming the operation, never the URL (a call's baseUrl may hold a credential).
 */
export function originGuard(baseUrl: string, operations: OperationTable): Middleware {
  const origin = new URL(baseUrl).origin;
  return {
    onRequest({ request, schemaPath }) {
      if (new URL(request.url).origin === origin) return undefined;
      const { operation } = targetOf(operations, request.method, schemaPath, undefined);
      throw new TypeError(
        `${operation}: the call's baseUrl names another origin than the client's base URL, where its credentials do not go; create a client with that baseUrl instead; nothing was sent`,
      );
    },
  };
}
