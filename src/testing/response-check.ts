// Checks a simulator's answers against its vendor's spec (a status the operation documents, a JSON body its
// schema accepts), so a simulator that drifts from its spec is caught where it is used. Off until a test
// suite sets a handler with `onSimulatorResponseProblem`.
import { document as fullstory } from "../../generated/fullstory.document.js";
import { document as propeller } from "../../generated/propeller.document.js";
import { document as slashid } from "../../generated/slashid.document.js";
import { document as userpilot } from "../../generated/userpilot.document.js";
import { isInjectedFault, isScriptedAnswer } from "./faults.js";
import { matchRoute, routesOf, type SpecRoute } from "./kit/routes.js";
import { createRequestValidator } from "./request-validator.js";
import { DropConnection, type VendorSimulator } from "./simulator.js";

type Obj = Record<string, unknown>;
type Spec = { routes: SpecRoute[]; validate: ReturnType<typeof createRequestValidator> };

const DOCUMENTS: Readonly<Record<string, Obj>> = { fullstory, propeller, slashid, userpilot };
const specs = new Map<string, Spec>();
let report: ((problem: string) => void) | undefined;

/** Checks every answer `simulatorHandlers` and `serveSimulator` give, passing each problem to `handler`. */
export function onSimulatorResponseProblem(handler: ((problem: string) => void) | undefined): void {
  report = handler;
}

/**
 * The simulator's answer to `request`, checked, or undefined when it drops the connection. `mountPath` is
 * the path the simulator is mounted at (the pathname of msw's base URL).
 */
export async function checkedAnswer(
  simulator: VendorSimulator,
  request: Request,
  mountPath = "",
): Promise<Response | undefined> {
  try {
    const response = await simulator.handle(request);
    await checkSimulatorResponse(simulator, request, response, mountPath);
    return response;
  } catch (error) {
    if (error instanceof DropConnection) return undefined;
    throw error;
  }
}

/** Checks one answer when a handler is set; never throws and never consumes the response's body. */
export async function checkSimulatorResponse(
  simulator: VendorSimulator,
  request: Request,
  response: Response,
  mountPath = "",
): Promise<void> {
  const handler = report;
  if (handler === undefined) return;
  const prefix = `${mountPath.replace(/\/$/, "")}${simulator.basePath ?? ""}`;
  const problems = await problemsOf(simulator.vendor, prefix, request, response).catch(
    (error: unknown) => [
      `the check failed: ${error instanceof Error ? error.message : String(error)}`,
    ],
  );
  const { pathname } = new URL(request.url);
  const where = `${simulator.vendor} simulator: ${request.method} ${pathname} → ${response.status}`;
  for (const problem of problems) handler(`${where}: ${problem}`);
}

async function problemsOf(vendor: string, prefix: string, request: Request, response: Response) {
  const spec = specOf(vendor);
  const { pathname } = new URL(request.url);
  // A gateway's page (the lost-answer fault) and a script's answer are not the vendor's.
  const foreign = [502, 504].includes(response.status) || isScriptedAnswer(response);
  if (spec === undefined || foreign || !pathname.startsWith(prefix)) return [];
  const route = matchRoute(spec.routes, request.method, pathname.slice(prefix.length))?.route;
  if (route === undefined) return []; // not an operation: the simulator's 404
  const { operationId, template } = route;
  const status = String(response.status);
  let entry = (route.operation["responses"] as Obj | undefined)?.[status] as Obj | undefined;
  if (entry === undefined)
    return isInjectedFault(response)
      ? []
      : [`status ${status} is not documented for ${operationId}`];
  let pointer = `#/paths/${escape(template)}/${route.method.toLowerCase()}/responses/${status}`;
  for (; typeof entry["$ref"] === "string"; entry = at(DOCUMENTS[vendor]!, pointer))
    pointer = entry["$ref"];
  const content = (entry["content"] ?? {}) as Obj;
  const mediaType = Object.keys(content).find((type) => /[/+]json$/i.test(type));
  if (mediaType === undefined || (content[mediaType] as Obj)["schema"] === undefined) return [];
  if (!/[/+]json\b/i.test(response.headers.get("content-type") ?? ""))
    return [`${operationId} ${status} documents a JSON body, the answer is not JSON`];
  let body: unknown;
  try {
    body = JSON.parse(await response.clone().text());
  } catch {
    return [`${operationId} ${status}: the body is not JSON`];
  }
  const schema = `${pointer}/content/${escape(mediaType)}/schema`;
  return spec.validate(schema, body).map((problem) => `${operationId} ${status} body ${problem}`);
}

function specOf(vendor: string): Spec | undefined {
  const document = DOCUMENTS[vendor];
  if (document === undefined) return undefined;
  const spec = specs.get(vendor) ?? {
    routes: routesOf(document),
    validate: createRequestValidator(document),
  };
  specs.set(vendor, spec);
  return spec;
}

const escape = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");
const at = (document: Obj, pointer: string): Obj =>
  pointer
    .replace(/^#\//, "")
    .split("/")
    .reduce<Obj>((node, key) => node[key.replace(/~1/g, "/").replace(/~0/g, "~")] as Obj, document);
