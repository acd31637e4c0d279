// What every vendor simulator does alike: routing under a base path by the spec's own operations, the
// API key and its check, request counting, faults and scripts, request-body validation, the common stats,
// and every answer shown to an observer (the test suite checks each against the spec).
import { show } from "../../core/options.js";
import { FaultInjector, json, type FaultOptions } from "../faults.js";
import { createRequestValidator } from "../request-validator.js";
import type { SimulatorOptions, SimulatorStats, VendorSimulator } from "../simulator.js";
import { documentedExample } from "./examples.js";
import { matchRoute, pathBelow, routesOf, type SpecRoute } from "./routes.js";

type Obj = Record<string, unknown>;

export interface SimulatorKitConfig<Vendor extends string> {
  readonly vendor: Vendor;
  readonly document: Obj;
  /** The simulator's options, of which the kit reads `basePath`, `faults` and `apiKey` ("sim-key"). */
  readonly options: SimulatorOptions & {
    readonly faults?: FaultOptions | undefined;
    readonly apiKey?: string | undefined;
  };
  /**
   * The vendor's own body for an injected 429 or 5xx on `operation`. Default: the body the spec shows for
   * that status of that operation, else of the first operation that shows one.
   */
  readonly faultBody?: (status: number, operation: string) => unknown;
  /** The vendor's answer to a request that matches no operation of the spec. */
  notFound(request: Request): Response;
  /**
   * The vendor's check of a request's credentials against the account's `apiKey`: true lets the request
   * through, false gets the 401 the spec shows for the operation, a Response answers instead.
   */
  authenticate?(request: Request, operation: string, apiKey: string): Response | boolean;
  /** Operations the faults spare (Propeller's token endpoint with `tokenFaults: false`). */
  spared?(operation: string): boolean;
}

/** One request, routed to an operation of the spec. */
export interface OperationCall {
  readonly request: Request;
  readonly url: URL;
  readonly params: Readonly<Record<string, string>>;
}

/** A vendor's handlers, one per operationId; an operation without one answers like an unknown path. */
export type OperationHandlers = Readonly<
  Record<string, (call: OperationCall) => Response | Promise<Response>>
>;

/** A request body read as JSON: `problems` against the schema, or undefined when it is not JSON. */
export interface JsonBody {
  readonly text: string;
  readonly value: unknown;
  readonly problems: readonly string[] | undefined;
}

/** One answer a simulator gave to a request for an operation of its spec. */
export interface SimulatorAnswer {
  readonly vendor: string;
  readonly route: SpecRoute;
  readonly request: Request;
  readonly response: Response;
}

/** Sees every answer to an operation of a spec; it may read a clone of the body, never the body itself. */
export type AnswerObserver = (answer: SimulatorAnswer) => void | Promise<void>;

let observer: AnswerObserver | undefined;

/** Shows every simulator's answers to `next` (a test suite checks them against the spec), or stops. */
export function observeSimulatorAnswers(next: AnswerObserver | undefined): void {
  observer = next;
}

/** Problems as one message, the first 20 of them: a vendor's 400 stays readable for a huge bad batch. */
export function listProblems(problems: readonly string[]): string {
  const more = problems.length > 20 ? `; and ${problems.length - 20} more` : "";
  return `${problems.slice(0, 20).join("; ")}${more}`;
}

const validators = new WeakMap<Obj, (pointer: string, value: unknown) => string[]>();
const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function createSimulatorKit<Vendor extends string>(config: SimulatorKitConfig<Vendor>) {
  const basePath = (config.options.basePath ?? "").replace(/\/+$/, "");
  if (!/^(\/.*)?$/.test(basePath))
    throw new RangeError(`basePath: expected a path that starts with "/", got ${show(basePath)}`);
  const faults = new FaultInjector(config.options.faults ?? {});
  let apiKey = config.options.apiKey ?? "sim-key";
  const requests: Record<string, number> = {};
  const table = routesOf(config.document);
  const example = (operation: string, status: number) =>
    documentedExample(config.document, operation, status);
  const faultBody =
    config.faultBody ??
    ((status: number, operation: string) =>
      example(operation, status) ??
      table.map((route) => example(route.operationId, status)).find((body) => body !== undefined));

  /** Problems of `value` against the schema at `pointer` (`#/components/schemas/X`); empty if valid. */
  function validate(pointer: string, value: unknown): string[] {
    let validator = validators.get(config.document);
    if (validator === undefined) {
      validator = createRequestValidator(config.document);
      validators.set(config.document, validator);
    }
    return validator(pointer, value);
  }

  /** Routes and counts one request, then faults, authenticates and dispatches it. */
  async function handle(request: Request, handlers: OperationHandlers): Promise<Response> {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const path = pathBelow(basePath, url.pathname);
    const matched = path === undefined ? undefined : matchRoute(table, method, path);
    const handler = matched === undefined ? undefined : handlers[matched.route.operationId];
    // An operation without a handler answers like an unknown path.
    const route = handler === undefined ? undefined : matched?.route;
    const operation = route?.operationId ?? "unknown";
    const label = route === undefined ? `${method} (unknown route)` : `${method} ${route.template}`;
    requests[label] = (requests[label] ?? 0) + 1;
    const params = matched?.params ?? {};
    const respond = async (): Promise<Response> => {
      if (handler === undefined) return config.notFound(request);
      const verdict = config.authenticate?.(request, operation, apiKey);
      if (verdict === false) return json(example(operation, 401), 401);
      return verdict instanceof Response ? verdict : handler({ request, url, params });
    };
    const response = await (config.spared?.(operation) === true
      ? respond()
      : faults.run(
          { operation, params, writes: WRITES.has(method) },
          (status) => faultBody(status, operation),
          request,
          respond,
        ));
    if (route !== undefined) await observer?.({ vendor: config.vendor, route, request, response });
    return response;
  }

  /** The body of `request`, checked against the spec's `components/schemas/<schema>`. */
  async function readJson(request: Request, schema: string): Promise<JsonBody> {
    const text = await request.text();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { text, value: undefined, problems: undefined };
    }
    return { text, value, problems: validate(`#/components/schemas/${schema}`, value) };
  }

  let answers = 0;
  return {
    faults,
    validate,
    readJson,
    handle,
    /** A JSON answer with the simulator's next `X-Request-Id` (`sim-request-1`, `-2`, …) and `headers`. */
    answerWithId: (body: unknown, status = 200, headers: Record<string, string> = {}) =>
      json(body, status, { ...headers, "X-Request-Id": `sim-request-${++answers}` }),
    /** Adds `writer` (a job, an upload, a request) to what wrote a record, unless it wrote it last. */
    addWriter<Writer>(writers: Writer[], writer: Writer): void {
      if (writers.at(-1) !== writer) writers.push(writer);
    },
    /** The `rewrites` stat: of what wrote each record given (see `addWriter`), all but the first. */
    rewritesOf(writers: Iterable<readonly unknown[]>): number {
      let rewrites = 0;
      for (const list of writers) rewrites += Math.max(0, new Set(list).size - 1);
      return rewrites;
    },
    /** What every simulator exposes alike, serving `handlers`. */
    serve: (handlers: OperationHandlers): Required<Omit<VendorSimulator<Vendor>, "stats">> => ({
      vendor: config.vendor,
      basePath,
      handle: (request: Request) => handle(request, handlers),
      setFaults: (options: FaultOptions) => faults.setOptions(options),
    }),
    /** From now on `authenticate` checks requests against `next`: the account's data stays as it is. */
    rotateKey(next: string): void {
      apiKey = next;
    },
    /** The common stats, with the vendor's own counts. */
    stats: (counts: Pick<SimulatorStats, "users" | "duplicates" | "rewrites">): SimulatorStats => ({
      requests: { ...requests },
      faults: { ...faults.counts },
      users: counts.users,
      duplicates: counts.duplicates,
      rewrites: counts.rewrites,
      duplicateWrites: counts.duplicates,
      rejected: faults.rejected,
    }),
  };
}
