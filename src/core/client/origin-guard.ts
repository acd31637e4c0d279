import type { Middleware } from "openapi-fetch";
import { TRAILING_SLASHES } from "./destination.js";
import type { OperationTable } from "./operation-table.js";
import { targetOf } from "./transport-variant.js";

/**
 * Client-level middleware that refuses, before anything is sent, a request leaving the client's base URL:
 * openapi-fetch takes a `baseUrl` per call, and the client's credentials (its headers, or the access token
 * the transport adds) would go with the request to whatever origin that names, or to another path of the
 * origin (another tenant's, on a gateway that serves each under a path of its own).
 * @throws TypeError naming the operation, never the URL (a call's baseUrl may hold a credential).
 */
export function originGuard(baseUrl: string, operations: OperationTable): Middleware {
  const left = leavingBaseUrl(baseUrl);
  return {
    onRequest({ request, schemaPath }) {
      const where = left(request.url);
      if (where === undefined) return undefined;
      const { operation } = targetOf(operations, request.method, schemaPath, undefined);
      throw new TypeError(
        `${operation}: the call's baseUrl or path ${where}, where its credentials do not go; create a client with that baseUrl instead; nothing was sent`,
      );
    },
  };
}

/**
 * How a URL leaves `baseUrl`, in words for an error that quotes neither, or undefined when it does not: it
 * names another origin, or a path outside the base URL's (another base URL on the origin, or dot segments
 * that climb out of it, as URL parsing resolves them or as a server that decodes the path first may). A
 * journal tells destinations apart by base URL, path and all: so do the credentials.
 */
export function leavingBaseUrl(baseUrl: string): (url: string) => string | undefined {
  const base = new URL(baseUrl);
  const path = base.pathname.replace(TRAILING_SLASHES, "");
  return (url) => {
    const target = new URL(url);
    if (target.origin !== base.origin) return "names another origin than the client's base URL";
    if (path === "") return undefined;
    const below =
      target.pathname === path || target.pathname.startsWith(`${path}/`)
        ? target.pathname.slice(path.length)
        : undefined;
    if (below !== undefined && !climbsOut(below)) return undefined;
    return "leaves the client's base URL's path for another of its origin";
  };
}

/**
 * Whether `below`, the rest of a path past the base URL's, climbs above it as a server may read it. URL
 * parsing has resolved its dot segments, but a server may decode the path before it resolves them: nginx
 * decodes `%2F` (and merges `//`), others take `\` or `%5C` for `/`, Tomcat drops a segment's `;parameter`,
 * and servers in a chain may each decode `%25` once; `..%2Ftenant-b` is `../tenant-b` to them. The strictest
 * reading of them all is taken: a path a client means to send stays below its base URL in every one.
 */
function climbsOut(below: string): boolean {
  let depth = 0;
  for (const part of decodedForGood(below).split(/[/\\]/)) {
    const segment = part.replace(/;.*$/s, "");
    if (segment === "..") depth -= 1;
    else if (segment !== "" && segment !== ".") depth += 1;
    if (depth < 0) return true;
  }
  return false;
}

/**
 * `path` with `%25`, `%2e`, `%2f` and `%5c` (any case) decoded again and again until none is left, as servers
 * in a chain each decoding once may, in one pass: a `%`, any number of `25` after it, then `2e`, `2f` or `5c`
 * ends as that character, and before anything else as a `%` (a decoded `%` only ever starts an escape, and
 * `.`, `/`, `\` complete none). Decoded pass after pass, a path of `%252525…` took a pass per `25`: a job id of
 * 64,000 of them, a vendor's answer, took 6 s to check at each request under a base URL with a path.
 */
export function decodedForGood(path: string): string {
  let out = "";
  let from = 0;
  for (let at = path.indexOf("%"); at !== -1; at = path.indexOf("%", from)) {
    let next = at + 1;
    while (path.startsWith("25", next)) next += 2;
    const char = DECODED.get(path.slice(next, next + 2).toLowerCase());
    out += path.slice(from, at) + (char ?? "%");
    from = char === undefined ? next : next + 2;
  }
  return out + path.slice(from);
}

const DECODED: ReadonlyMap<string, string> = new Map([
  ["2e", "."],
  ["2f", "/"],
  ["5c", "\\"],
]);
