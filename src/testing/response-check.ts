// Checks a simulator's answers against its vendor's spec (status documented for the operation, JSON body valid
// for that status's schema), so a simulator that drifts from its spec is caught where it is used. Off by
// default; a test suite turns it on with `onSimulatorResponseProblem` and fails on what it reports.
import { document as fullstory } from "../../generated/fullstory.document.js";
import { document as propeller } from "../../generated/propeller.document.js";
import { document as slashid } from "../../generated/slashid.document.js";
import { document as userpilot } from "../../generated/userpilot.document.js";
import { isInjectedFault, isScriptedAnswer } from "./faults.js";
import { matchRoute, routesOf, type SpecRoute } from "./kit/routes.js";
import { createRequestValidator } from "./request-validator.js";
import type { VendorSimulator } from "./simulator.js";

const DOCUMENTS: Readonly<Record<string, Record<string, unknown>>> = {
  fullstory,
  propeller,
  slashid,
  userpilot,
};
/** An HTML page a gateway sends instead of the vendor (the lost-answer fault): not the vendor's answer. */
const GATEWAY_STATUSES = new Set([502, 504]);

type Obj = Record<string, unknown>;

interface Checker {
  readonly routes: readonly SpecRoute[];
  /** operationId → documented status → pointer of its JSON body schema (null when it has none). */
  readonly statuses: ReadonlyMap<string, ReadonlyMap<string, string | null>>;
  readonly validate: (pointer: string, value: unknown) => string[];
}

let report: ((problem: string) => void) | undefined;
const checkers = new Map<string, Checker>();

/**
 * Makes every answer a simulator gives through `simulatorHandlers` or `serveSimulator` checked against its
 * spec, with each problem passed to `handler`; `undefined` turns the check off again.
 */
export function onSimulatorResponseProblem(handler: ((problem: string) => void) | undefined): void {
  report = handler;
}

/**
 * Checks one answer when a handler is set; never throws and never consumes the response's body. `mountPath`
 * is the path the simulator is mounted at (the pathname of msw's base URL).
 */
export async function checkSimulatorResponse(
  simulator: VendorSimulator,
  request: Request,
  response: Response,
  mountPath = "",
): Promise<void> {
  const handler = report;
  if (handler === undefined) return;
  const prefix = `${mountPath.replace(/\/$/, "")}${simulator.basePath ?? ""}`;
  const vendor = simulator.vendor;
  const problems = await problemsOf(vendor, prefix, request, response).catch((error: unknown) => [
    `the check failed: ${error instanceof Error ? error.message : String(error)}`,
  ]);
  const where = `${vendor} simulator: ${request.method} ${new URL(request.url).pathname} → ${response.status}`;
  for (const problem of problems) handler(`${where}: ${problem}`);
}

async function problemsOf(
  vendor: string,
  prefix: string,
  request: Request,
  response: Response,
): Promise<string[]> {
  const checker = checkerOf(vendor);
  if (checker === undefined || GATEWAY_STATUSES.has(response.status) || isScriptedAnswer(response))
    return [];
  const full = new URL(request.url).pathname;
  if (!full.startsWith(prefix)) return []; // outside the API: the simulator's own 404
  const path = full.slice(prefix.length);
  const route = matchRoute(checker.routes, request.method, path)?.route;
  if (route === undefined) return []; // not an operation of the spec (a wrong path answers 404)
  const status = String(response.status);
  const statuses = checker.statuses.get(route.operationId) ?? new Map<string, string | null>();
  if (!statuses.has(status)) {
    return isInjectedFault(response)
      ? []
      : [`status ${status} is not documented for ${route.operationId}`];
  }
  const pointer = statuses.get(status);
  if (pointer === null || pointer === undefined) return [];
  if (!/[/+]json\b/i.test(response.headers.get("content-type") ?? "")) {
    return [`${route.operationId} ${status} documents a JSON body, the answer is not JSON`];
  }
  const text = await response.clone().text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`${route.operationId} ${status}: the body is not JSON`];
  }
  return checker
    .validate(pointer, body)
    .map((problem) => `${route.operationId} ${status} body ${problem}`);
}

function checkerOf(vendor: string): Checker | undefined {
  let checker = checkers.get(vendor);
  if (checker !== undefined) return checker;
  const document = DOCUMENTS[vendor];
  if (document === undefined) return undefined;
  const routes = routesOf(document);
  checker = {
    routes,
    statuses: statusesOf(document, routes),
    validate: createRequestValidator(document),
  };
  checkers.set(vendor, checker);
  return checker;
}

/** Every operation's documented statuses, each with the pointer of its JSON body schema. */
function statusesOf(
  document: Obj,
  routes: readonly SpecRoute[],
): Map<string, Map<string, string | null>> {
  const table = new Map<string, Map<string, string | null>>();
  for (const route of routes) {
    const statuses = new Map<string, string | null>();
    const method = route.method.toLowerCase();
    for (const [status, entry] of Object.entries((route.operation["responses"] ?? {}) as Obj))
      statuses.set(status, schemaPointer(document, entry as Obj, route.template, method, status));
    table.set(route.operationId, statuses);
  }
  return table;
}

/** The pointer of a response's JSON body schema, through a `$ref` to a shared response. */
function schemaPointer(
  document: Obj,
  entry: Obj,
  template: string,
  method: string,
  status: string,
): string | null {
  let pointer = `#/paths/${escape(template)}/${method}/responses/${status}`;
  let response = entry;
  while (typeof response["$ref"] === "string") {
    pointer = response["$ref"];
    response = at(document, pointer);
  }
  const content = (response["content"] ?? {}) as Obj;
  const mediaType = Object.keys(content).find((type) => /[/+]json$/i.test(type));
  if (mediaType === undefined || (content[mediaType] as Obj)["schema"] === undefined) return null;
  return `${pointer}/content/${escape(mediaType)}/schema`;
}

function at(document: Obj, pointer: string): Obj {
  return pointer
    .replace(/^#\//, "")
    .split("/")
    .reduce<Obj>((node, key) => node[key.replace(/~1/g, "/").replace(/~0/g, "~")] as Obj, document);
}

function escape(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}
