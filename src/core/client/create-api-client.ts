import createClient, {
  type Client,
  type ParamsOption,
  type RequestBodyOption,
} from "openapi-fetch";
import { ApiError, type RequestTarget } from "../errors/api-error.js";
import type { ApiResult } from "../errors/result.js";
import { scrubThrown } from "../errors/scrub-thrown.js";
import type { SecretSet } from "../errors/secrets.js";
import { callSignal } from "../http/call-signal.js";
import { TransportFailure } from "../http/failures.js";
import type { Transport } from "../http/transport.js";
import { interpretResponse } from "./interpret-response.js";
import type { OperationSpec, OperationTable } from "./operation-table.js";
import { serializeBody } from "./serialize-body.js";

type OperationOf<Paths, Spec> = Spec extends {
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
type WithFilledHeaders<Op, Filled extends string> = [Filled] extends [never]
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
    headers?: Record<string, string>;
    /** Aborts this call (in addition to the client's `signal`). */
    signal?: AbortSignal;
    /**
     * The JSON body already serialised (e.g. joined from per-record JSON): sent as is instead of serialising
     * `body` again. It must be `body` as JSON.
     */
    serializedBody?: string;
  };

type OperationArgs<Op> =
  {} extends OperationInit<Op> ? [init?: OperationInit<Op>] : [init: OperationInit<Op>];

/** One method per operationId, each returning a typed {@link ApiResult} instead of throwing. */
export type OperationMethods<Paths, Table extends OperationTable, Filled extends string = never> = {
  readonly [Id in keyof Table]: (
    ...args: OperationArgs<WithFilledHeaders<OperationOf<Paths, Table[Id]>, Filled>>
  ) => Promise<ApiResult<OperationOf<Paths, Table[Id]>>>;
};

/** An openapi-fetch client (GET, POST, … typed by the spec) with one result-returning method per operation. */
export type ApiClient<
  Paths extends {},
  Table extends OperationTable,
  Filled extends string = never,
> = Client<Paths> & OperationMethods<Paths, Table, Filled>;

export interface ApiClientConfig<Table extends OperationTable> {
  operations: Table;
  baseUrl: string;
  headers: Record<string, string>;
  transport: Transport;
  secrets: SecretSet;
}

/** openapi-fetch's request methods, which a caller may use instead of the operation methods. */
const RAW_METHODS = [
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
 * headers (or an auth-wrapped transport) and the secrets to scrub; everything else is shared. The raw
 * openapi-fetch methods are kept, but whatever they throw and the error bodies they return are scrubbed too.
 */
export function createApiClient<
  Paths extends {},
  Table extends OperationTable,
  Filled extends string = never,
>(config: ApiClientConfig<Table>): ApiClient<Paths, Table, Filled> {
  const scrubbed = { ...config, transport: scrubbing(config.transport, config.secrets) };
  const client = createClient<Paths>({
    baseUrl: config.baseUrl,
    headers: config.headers,
    fetch: scrubbed.transport,
  });
  const raw = client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const operationRequest = raw["request"]!;
  const methods: Record<string, (...args: never[]) => Promise<unknown>> = {};
  for (const name of RAW_METHODS) {
    const method = raw[name]!;
    methods[name] = (...args: unknown[]) => scrubbedCall(() => method(...args), config.secrets);
  }
  for (const [operationId, spec] of Object.entries(config.operations)) {
    methods[operationId] = (init?: RawInit) =>
      invoke(operationRequest, scrubbed, operationId, spec, init ?? {});
  }
  return Object.assign(client, methods) as ApiClient<Paths, Table, Filled>;
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

/** A raw call: a thrown error scrubbed, and the `error` body openapi-fetch returns for a non-2xx scrubbed. */
async function scrubbedCall(call: () => Promise<unknown>, secrets: SecretSet): Promise<unknown> {
  let result: unknown;
  try {
    result = await call();
  } catch (error) {
    throw scrubThrown(error, secrets);
  }
  if (result !== null && typeof result === "object" && "error" in result) {
    return { ...result, error: secrets.scrubDeep(result.error) };
  }
  return result;
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
}

async function invoke<Table extends OperationTable>(
  send: (method: string, path: string, init: Record<string, unknown>) => Promise<unknown>,
  config: ApiClientConfig<Table>,
  operation: string,
  spec: OperationSpec,
  init: RawInit,
): Promise<{ ok: boolean }> {
  const target: RequestTarget = {
    operation,
    method: spec.method,
    path: concretePath(spec.path, init.params?.path),
  };
  let captured: { status: number; headers: Headers; text: string } | undefined;
  const { serializedBody, signal, ...rest } = init;
  const serialized = serializeBody(spec, init.body, serializedBody);
  const call = callSignal(signal);
  try {
    await send(spec.method.toLowerCase(), spec.path, {
      ...rest,
      ...(call.signal === undefined ? {} : { signal: call.signal }),
      // openapi-fetch need not parse a successful body: it is interpreted below, from the captured text.
      parseAs: "stream",
      ...(serialized === undefined
        ? {}
        : {
            bodySerializer: () => serialized.body,
            headers: { ...serialized.headers, ...init.headers },
          }),
      fetch: async (request: Request) => {
        const response = await config.transport(request);
        // The transport holds the whole body: decode it once for interpretation, and hand openapi-fetch (and
        // any middleware a caller added with `use`) a fresh, unread response over the same bytes, instead of
        // teeing a body of many megabytes.
        const bytes = await response.arrayBuffer();
        const { status, statusText, headers } = response;
        captured = { status, headers, text: utf8.decode(bytes) };
        return new Response(bytes.byteLength === 0 ? null : bytes, { status, statusText, headers });
      },
    });
  } catch (error) {
    if (!(error instanceof TransportFailure)) throw scrubThrown(error, config.secrets);
    return { ok: false, error: ApiError.of(variantOf(error), target, config.secrets, error) } as {
      ok: false;
    };
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
  return { ok: false, error: ApiError.of(outcome.variant, target, config.secrets) } as {
    ok: false;
  };
}

function variantOf(failure: TransportFailure): Fields {
  const httpStatus = failure.response?.httpStatus ?? 0;
  switch (failure.kind) {
    case "timeout":
      return { status: "timeout", timeoutMs: failure.timeoutMs ?? 0 };
    case "auth":
      return { status: "auth", reason: failure.message };
    case "redirect":
      return { status: "redirect", httpStatus, location: failure.response?.location ?? null };
    case "too_large":
      return { status: "too_large", httpStatus, maxBytes: failure.response?.maxBytes ?? 0 };
    default:
      return { status: failure.kind };
  }
}

type Fields = { readonly status: string } & Record<string, unknown>;

function concretePath(template: string, params: Record<string, unknown> | undefined): string {
  return template.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const value = params?.[name];
    return value === undefined ? whole : encodeURIComponent(String(value));
  });
}
