import createClient, {
  type Client,
  type Middleware,
  type ParamsOption,
  type RequestBodyOption,
} from "openapi-fetch";
import { ApiError, type RequestTarget } from "../errors/api-error.js";
import type { ApiResult } from "../errors/result.js";
import { scrubThrown } from "../errors/scrub-thrown.js";
import type { SecretSet } from "../errors/secrets.js";
import { callSignal } from "../http/call-signal.js";
import { carryDeadline } from "../http/deadline.js";
import { carryRequestWaits } from "../http/request-waits.js";
import { TransportFailure } from "../http/failures.js";
import { answersAfterArrivedTry, type Transport } from "../http/transport.js";
import { signalOption } from "../options.js";
import { hasQueryOrFragment, hasUserinfo, isHttpUrl } from "./base-url.js";
import { interpretResponse } from "./interpret-response.js";
import { answerBehind, keepingAnswers } from "./kept-answers.js";
import type { OperationSpec, OperationTable } from "./operation-table.js";
import { readingOnce, readOnce } from "./one-url-read.js";
import { leavingBaseUrl, originGuard } from "./origin-guard.js";
import { pathSegmentGuard } from "./path-segment.js";
import { scrubbedResponse } from "./scrubbed-response.js";
import { serializeBody } from "./serialize-body.js";
import { concretePath, failureError, targetOf } from "./transport-variant.js";

/** The openapi-typescript operation (`paths[P][M]`) an operation table entry names by its path and method. */
export type OperationOf<Paths, Spec> = Spec extends {
  readonly path: infer P;
  readonly method: infer M extends string;
}
  ? P extends keyof Paths
    ? Lowercase<M> extends keyof Paths[P]
      ? Paths[P][Lowercase<M>]
      : never
    : never
  : never;

/** Makes the header parameters a client fills itself (auth, org ids) optional for callers. */
export type WithFilledHeaders<Op, Filled extends string> = [Filled] extends [never]
  ? Op
  : Op extends { parameters: infer Params }
    ? Params extends { header: infer H }
      ? Omit<Op, "parameters"> & {
          parameters: Omit<Params, "header"> & {
            header?: Omit<H, Filled> & Partial<Pick<H, Filled & keyof H>>;
          };
        }
      : Op
    : Op;

/** What an operation method takes: openapi-fetch's typed params and body, plus per-call headers and signal. */
export type OperationInit<Op> = ParamsOption<Op> &
  RequestBodyOption<Op> & {
    /** Extra request headers for this call. */
    headers?: Record<string, string> | undefined;
    /**
     * Aborts this call (in addition to the client's `signal`). Any other value (the AbortController itself)
     * rejects the call with a TypeError naming it; nothing is sent.
     */
    signal?: AbortSignal | undefined;
    /**
     * The JSON body already serialised (e.g. joined from per-record JSON): sent as is instead of serialising
     * `body` again. It must be `body` as JSON.
     */
    serializedBody?: string | undefined;
  };

/** `init` may be left out when none of its fields is required. */
export type OperationArgs<Op> =
  Partial<OperationInit<Op>> extends OperationInit<Op>
    ? [init?: OperationInit<Op>]
    : [init: OperationInit<Op>];

/**
 * One method per operationId, each returning a typed {@link ApiResult} instead of throwing for an answer. A
 * call's `baseUrl` or `signal` it refuses, or a path parameter that would send it to another path (empty, or
 * a dot segment), rejects the call with a TypeError instead, nothing sent.
 */
export type OperationMethods<Paths, Table extends OperationTable, Filled extends string = never> = {
  readonly [Id in keyof Table]: (
    ...args: OperationArgs<WithFilledHeaders<OperationOf<Paths, Table[Id]>, Filled>>
  ) => Promise<ApiResult<OperationOf<Paths, Table[Id]>>>;
};

/**
 * A vendor's client: one result-returning method per operation (named by its operationId), and `raw`, the
 * openapi-fetch client underneath, for calls the operation methods do not cover.
 */
export type ApiClient<
  Paths extends object,
  Table extends OperationTable,
  Filled extends string = never,
> = OperationMethods<Paths, Table, Filled> & {
  /**
   * The openapi-fetch client (`GET`, `POST`, …, `request`, `use`, `eject`), typed by the spec. Its calls go
   * through the same transport (auth, retries, timeouts, rate limiter, refused redirects, `maxResponseBytes`)
   * and the same client middleware as the operation methods, so the same guarantees hold:
   * - a write whose spec documents an `Idempotency-Key` (FullStory's batch and Create User) carries an
   *   `Idempotency-Key`, a UUID v4 unless the call sets one, so its retries cannot import twice;
   * - a non-2xx answer resolves, as openapi-fetch's do, to `{ error, response }`, with `error`, and the
   *   `response`'s headers and status text, scrubbed of the client's secrets (a 2xx answer's are not, as
   *   `data` is not); where a `raw.use` middleware read or locked that body first, `error` says it was not
   *   kept;
   * - when no usable answer came back (no connection, a timeout, an abort, no credentials, a redirect, a body
   *   over `maxResponseBytes`), the call REJECTS, as openapi-fetch's contract says, with an {@link ApiError}
   *   whose `status` is the variant an operation method would return in `result.error` (`network`, `timeout`,
   *   `aborted`, `auth`, `redirect`, `too_large`), scrubbed, naming the operation (`raw` for a path the spec
   *   lacks). Anything else a call throws (a 2xx body that is not JSON: a `SyntaxError`) is scrubbed too.
   *
   * A call whose own `baseUrl` names another origin than the client's, or that leaves its base URL's path
   * (another `baseUrl` on the origin, dot segments, escaped ones a server may decode), is refused with a
   * `TypeError`, before anything (a credential) is sent there; so is a request a middleware added with
   * `raw.use` points there, and a call that brings its own `fetch`, which would send past the transport.
   *
   * Unlike the operation methods, `raw` does not check answers against the spec: `data` is what the vendor
   * sent. Middleware added with `raw.use` runs on the operation methods' requests as well, after the
   * client's; an answer it gives (an `onRequest` or `onError` returning a Response, an `onResponse` replacing
   * one) is the one they interpret, as `raw` returns it.
   */
  readonly raw: Client<Paths>;
  /**
   * `text` without any secret this client holds (its credentials, and access tokens as they are issued),
   * nor any run of 6 or more of a secret's characters, so a secret a vendor echoed and then cut short goes
   * too. For text a vendor sent in a successful answer (a record's failure reason), which no error scrubs.
   */
  scrub(text: string): string;
};

export interface ApiClientConfig<Table extends OperationTable> {
  operations: Table;
  baseUrl: string;
  headers: Record<string, string>;
  transport: Transport;
  secrets: SecretSet;
  /**
   * Client-level middleware (e.g. `idempotencyKey`), run for operation methods and `raw` calls alike,
   * before any a caller adds with `raw.use`.
   * @default []
   */
  middleware?: readonly Middleware[];
}

/** openapi-fetch's request methods, whose thrown errors and `error` bodies `raw` scrubs. */
const REQUEST_METHODS = [
  "request",
  "GET",
  "PUT",
  "POST",
  "DELETE",
  "OPTIONS",
  "HEAD",
  "PATCH",
  "TRACE",
] as const;

/**
 * Builds a vendor's client from its generated operation table. Vendor folders supply the base URL, the auth
 * headers (or an auth-wrapped transport), the secrets to scrub and any middleware of their own; everything
 * else is shared.
 */
export function createApiClient<
  Paths extends object,
  Table extends OperationTable,
  Filled extends string = never,
>(config: ApiClientConfig<Table>): ApiClient<Paths, Table, Filled> {
  const scrubbed = {
    ...config,
    transport: scrubbing(sameOrigin(config.transport, config.baseUrl), config.secrets),
  };
  const client = createClient<Paths>({
    baseUrl: config.baseUrl,
    headers: config.headers,
    fetch: scrubbed.transport,
  });
  client.use(
    originGuard(config.baseUrl, config.operations),
    pathSegmentGuard(config.operations),
    ...(config.middleware ?? []),
    typedFailures(config.operations, config.secrets),
  );
  const untyped = client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const raw: Record<string, unknown> = {
    use: (...middleware: Middleware[]) => client.use(...middleware.map(keepingAnswers)),
    eject: (...middleware: Middleware[]) => client.eject(...middleware.map(keepingAnswers)),
  };
  for (const name of REQUEST_METHODS) {
    const method = untyped[name]!;
    // openapi-fetch reads a call's init at its place (after the path, or the method and path of `request`),
    // whatever follows it.
    const initAt = name === "request" ? 2 : 1;
    raw[name] = (...args: unknown[]) => rawCall(method, args, initAt, config.secrets);
  }
  const methods: Record<string, unknown> = {
    raw,
    scrub: (text: string) => config.secrets.scrubRuns(text),
  };
  const operationRequest = untyped["request"]!;
  for (const [operationId, spec] of Object.entries(config.operations)) {
    methods[operationId] = (init?: RawInit) =>
      invoke(operationRequest, scrubbed, operationId, spec, init ?? {});
  }
  return methods as ApiClient<Paths, Table, Filled>;
}

/**
 * The transport, refusing a request that leaves the base URL (another origin, or another path of it) as it
 * goes out: the origin guard runs before a caller's `raw.use` middleware, which may hand on a new Request for
 * another URL, and the credentials (headers, or the access token the transport adds) would go with it.
 */
function sameOrigin(transport: Transport, baseUrl: string): Transport {
  const left = leavingBaseUrl(baseUrl);
  return async (given) => {
    // A Request a caller's middleware handed on may answer each read of its URL differently (see readOnce).
    const request = readOnce(given);
    const where = left(request.url);
    if (where !== undefined)
      throw new TypeError(
        `${request.method}: the request's URL ${where} (a middleware added with raw.use changed it?), where its credentials do not go; nothing was sent`,
      );
    return transport(request);
  };
}

/** The transport, with whatever it throws scrubbed before openapi-fetch or a middleware can see it. */
function scrubbing(transport: Transport, secrets: SecretSet): Transport {
  return async (request) => {
    try {
      return await transport(request);
    } catch (error) {
      throw scrubThrown(error, secrets);
    }
  };
}

/**
 * Turns a transport failure into the operation's typed {@link ApiError}. Registered before any middleware a
 * caller adds, it sees the failure last (openapi-fetch runs `onError` in reverse), after the caller's.
 */
function typedFailures(operations: OperationTable, secrets: SecretSet): Middleware {
  return {
    onError({ error, request, schemaPath, params }) {
      if (!(error instanceof TransportFailure)) return undefined;
      return failureError(
        error,
        targetOf(operations, request.method, schemaPath, params.path),
        secrets,
      );
    },
  };
}

/**
 * A raw call: a thrown error scrubbed, and for a non-2xx, the `error` body openapi-fetch returns and the
 * response's headers and status text scrubbed, as an operation method's error holds them.
 */
async function scrubbedCall(call: () => Promise<unknown>, secrets: SecretSet): Promise<unknown> {
  let result: unknown;
  try {
    result = await call();
  } catch (error) {
    throw scrubThrown(error, secrets);
  }
  if (result !== null && typeof result === "object" && "error" in result) {
    const { response } = result as { response?: unknown };
    return {
      ...result,
      error: secrets.scrubDeep(result.error),
      ...(response instanceof Response
        ? { response: await scrubbedResponse(response, secrets) }
        : {}),
    };
  }
  return result;
}

/**
 * A raw call, given a call signal in place of the caller's (see callSignal): openapi-fetch hands the caller's
 * signal to a Request, which hangs a listener on it that only garbage collection takes off, so a loop of raw
 * calls under one long-lived signal would pile up a listener per call.
 */
async function rawCall(
  method: (...args: unknown[]) => Promise<unknown>,
  args: unknown[],
  initAt: number,
  secrets: SecretSet,
): Promise<unknown> {
  const given = args[initAt];
  // A function is read as an init too: openapi-fetch reads a callable's fields as an object's.
  const init =
    (given !== null && typeof given === "object") || typeof given === "function"
      ? plainInit(given)
      : undefined;
  refuseCredentialsInBaseUrl("raw", init);
  if (init?.fetch !== undefined)
    throw new TypeError(
      "raw: a call's own fetch would send past the client's transport (its origin check, retries, timeouts and refused redirects) with the client's credentials; give the client a fetch when creating it instead; nothing was sent",
    );
  const signal = init?.signal;
  // Refused by name, as an operation method's is: undici's own error would name no call. One of another realm
  // (an AbortSignal by its shape) is taken, as there; null is fetch's own "no signal", so it passes.
  if (signal !== null) signalOption("raw: the call's signal", signal);
  const withInit = (sent: unknown) =>
    init === undefined ? args : [...args.slice(0, initAt), sent, ...args.slice(initAt + 1)];
  if (signal === undefined || signal === null)
    return scrubbedCall(() => method(...withInit(init)), secrets);
  const call = callSignal(signal);
  try {
    return await scrubbedCall(() => method(...withInit({ ...init, signal: call.signal })), secrets);
  } finally {
    call.release();
  }
}

/**
 * A call's init as a plain object, each field read once: an init whose getters answer differently per read
 * must not pass the check of its `fetch` and then hand openapi-fetch another value. Its own fields, and the
 * fields openapi-fetch and fetch read that it inherits (a class's getters), which a spread leaves out. Its
 * `Request` class is made to build Requests whose URL is read once (see readingOnce).
 */
function plainInit(given: object): RawInit {
  const init: Record<string, unknown> = { ...given };
  for (const key of INIT_FIELDS)
    if (!Object.hasOwn(init, key) && key in given)
      init[key] = (given as Record<string, unknown>)[key];
  if (init["Request"] !== undefined) init["Request"] = readingOnce(init["Request"]);
  return init;
}

const INIT_FIELDS = [
  ...["baseUrl", "fetch", "Request", "headers", "params", "parseAs", "querySerializer"],
  ...["bodySerializer", "pathSerializer", "body", "middleware", "signal", "cache", "credentials"],
  "integrity",
  ...["keepalive", "method", "mode", "priority", "redirect", "referrer", "referrerPolicy"],
  ...["window", "duplex", "dispatcher"],
];

/**
 * Refuses a call whose own `baseUrl` holds a user name or password, a query or a fragment, or is no http(s)
 * URL, as the client's is refused (see `checkedBaseUrl`): fetch refuses such a URL, or one it cannot parse,
 * with an error that quotes it whole, and a gateway's URL may hold a credential in its path; the request's
 * path would be appended inside a query or fragment, reaching another path.
 * @throws TypeError naming `name`, never the URL.
 */
function refuseCredentialsInBaseUrl(name: string, init: RawInit | undefined): void {
  const baseUrl = init?.baseUrl;
  // An empty one (any falsy value) is openapi-fetch's sign to use the client's; it takes any other value's
  // text (a String object's), which the checks below would not see.
  if (!baseUrl) return;
  if (typeof baseUrl !== "string")
    throw new TypeError(
      `${name}: the call's baseUrl must be a string, got ${typeof baseUrl}; nothing was sent`,
    );
  if (hasUserinfo(baseUrl))
    throw new TypeError(
      `${name}: the call's baseUrl holds a user name or password (user:password@), which is not quoted here; give credentials through the client's options; nothing was sent`,
    );
  if (!isHttpUrl(baseUrl))
    throw new TypeError(
      `${name}: the call's baseUrl is not an absolute http or https URL (it is not quoted here: it may hold a credential in its path); nothing was sent`,
    );
  if (hasQueryOrFragment(baseUrl))
    throw new TypeError(
      `${name}: the call's baseUrl holds a query or fragment (? or #), which is not quoted here: the request's path would be appended to it, reaching another path; nothing was sent`,
    );
}

const utf8 = new TextDecoder();

interface RawInit {
  params?: {
    path?: Record<string, unknown>;
    query?: Record<string, unknown>;
    header?: Record<string, unknown>;
  };
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  serializedBody?: string;
  fetch?: unknown;
  baseUrl?: unknown;
  Request?: unknown;
}

/** What openapi-fetch resolves a call to. */
interface OpenApiFetchResult {
  readonly data?: unknown;
  readonly error?: unknown;
  readonly response: Response;
}

/**
 * The body text of an answer a caller's middleware gave in the transport's place. A 2xx one is unread
 * (`parseAs: "stream"`); openapi-fetch read a non-2xx one itself, leaving its text, or what JSON.parse made
 * of it, as `error`.
 */
async function middlewareAnswerText(result: OpenApiFetchResult): Promise<string> {
  if (!result.response.bodyUsed) return result.response.text();
  if (result.error === undefined) return "";
  return typeof result.error === "string" ? result.error : JSON.stringify(result.error);
}

/**
 * Whether a try of a call whose answer a caller's middleware replaced may have reached the vendor: the vendor
 * answered it (anything but a 429 or 503, which say it was not processed) or an earlier one, or the transport
 * failed after the request may have gone out. Nothing was sent when an `onRequest` answered.
 */
function mayHaveArrived(
  vendor: { status: number; afterArrivedTry: boolean } | undefined,
  failed: TransportFailure | undefined,
): boolean {
  if (vendor !== undefined)
    return vendor.afterArrivedTry || (vendor.status !== 429 && vendor.status !== 503);
  return failed?.mayHaveArrived ?? false;
}

async function invoke<Table extends OperationTable>(
  send: (method: string, path: string, init: Record<string, unknown>) => Promise<unknown>,
  config: ApiClientConfig<Table>,
  operation: string,
  spec: OperationSpec,
  init: RawInit,
): Promise<{ ok: boolean }> {
  refuseCredentialsInBaseUrl(operation, init);
  // From JavaScript, the AbortController itself is an easy slip: refused by name, as the client's own is.
  signalOption(`${operation}: the call's signal`, init.signal);
  const target: RequestTarget = {
    operation,
    method: spec.method,
    path: concretePath(spec.path, init.params?.path),
  };
  let captured:
    | {
        status: number;
        headers: Headers;
        text: string;
        afterArrivedTry: boolean;
        replacedAnswer?: true;
      }
    | undefined;
  const { serializedBody, signal, ...given } = init;
  // A Request class given from JavaScript, as a raw call's is (see plainInit).
  const rest =
    given.Request === undefined ? given : { ...given, Request: readingOnce(given.Request) };
  // Streamed to the runtime's Request class (see streamOnce); a caller's class gets bytes, as it always did.
  const serialized = serializeBody(spec, init.body, serializedBody, given.Request === undefined);
  const call = callSignal(signal);
  // The response the transport's answer was handed to openapi-fetch as: a caller's middleware may answer in
  // its place (an `onRequest` or `onError` returning a Response, an `onResponse` replacing it).
  let handedOver: Response | undefined;
  // What the transport failed with, when a caller's `onError` answers in its place.
  let failed: TransportFailure | undefined;
  try {
    const result = (await send(spec.method.toLowerCase(), spec.path, {
      ...rest,
      ...(call.signal === undefined ? {} : { signal: call.signal }),
      // openapi-fetch need not parse a successful body: it is interpreted below, from the captured text.
      parseAs: "stream",
      ...(serialized === undefined
        ? {}
        : {
            bodySerializer: () => serialized.body,
            headers: { ...serialized.headers, ...init.headers },
            ...(serialized.duplex && { duplex: serialized.duplex }),
          }),
      fetch: async (request: Request) => {
        // The Request's signal follows the call's: the transport reads the deadline the call has from it.
        carryDeadline(call.signal, request.signal);
        carryRequestWaits(call.signal, request.signal);
        const response = await config.transport(request).catch((error: unknown) => {
          if (error instanceof TransportFailure) failed = error;
          throw error;
        });
        // The transport holds the whole body: decode it once for interpretation, and hand openapi-fetch (and
        // any middleware a caller added with `raw.use`) a fresh, unread response over the same bytes, instead of
        // teeing a body of many megabytes.
        const bytes = await response.arrayBuffer();
        const { status, statusText, headers } = response;
        const afterArrivedTry = answersAfterArrivedTry(response);
        captured = { status, headers, text: utf8.decode(bytes), afterArrivedTry };
        handedOver = new Response(bytes.byteLength === 0 ? null : bytes, {
          status,
          statusText,
          headers,
        });
        return handedOver;
      },
    })) as OpenApiFetchResult;
    // The answer `raw` would return is the one interpreted; whether the vendor may have acted stays the
    // transport's to say: a 503 a middleware made up must not say a write that went out was turned away.
    // The vendor's own answer, whose body a caller's middleware only read or locked, is still the vendor's.
    if (answerBehind(result.response) !== handedOver) {
      const { status, headers } = result.response;
      const text = await middlewareAnswerText(result);
      const arrived = mayHaveArrived(captured, failed);
      captured = { status, headers, text, afterArrivedTry: arrived, replacedAnswer: true };
    }
  } catch (error) {
    // The client's middleware made a transport failure the typed error; a caller's `onError` may still
    // have replaced it with a failure of its own.
    if (error instanceof ApiError) return { ok: false, error } as { ok: false };
    if (!(error instanceof TransportFailure)) throw scrubThrown(error, config.secrets);
    return { ok: false, error: failureError(error, target, config.secrets) } as { ok: false };
  } finally {
    call.release();
  }
  if (captured === undefined) throw new Error(`${operation}: no response was captured`);
  const outcome = interpretResponse(
    spec,
    captured.status,
    captured.headers,
    captured.text,
    config.secrets,
  );
  if (outcome.ok) return outcome;
  const error = ApiError.of(outcome.variant, target, config.secrets);
  if (captured.afterArrivedTry) Object.assign(error, { afterArrivedTry: true });
  if (captured.replacedAnswer) Object.assign(error, { replacedAnswer: true });
  return { ok: false, error } as { ok: false };
}
