import createClient, {
  type Client,
  type ParamsOption,
  type RequestBodyOption,
} from "openapi-fetch";
import { ApiError, type RequestTarget } from "../errors/api-error.js";
import type { ApiResult } from "../errors/result.js";
import type { SecretSet } from "../errors/secrets.js";
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

/**
 * Builds a vendor's client from its generated operation table. Vendor folders supply the base URL, the auth
 * headers (or an auth-wrapped transport) and the secrets to scrub; everything else is shared.
 */
export function createApiClient<
  Paths extends {},
  Table extends OperationTable,
  Filled extends string = never,
>(config: ApiClientConfig<Table>): ApiClient<Paths, Table, Filled> {
  const client = createClient<Paths>({
    baseUrl: config.baseUrl,
    headers: config.headers,
    fetch: config.transport,
  });
  const methods: Record<string, (init?: RawInit) => Promise<unknown>> = {};
  for (const [operationId, spec] of Object.entries(config.operations)) {
    methods[operationId] = (init) => invoke(client, config, operationId, spec, init ?? {});
  }
  return Object.assign(client, methods) as ApiClient<Paths, Table, Filled>;
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

type LooseClient = {
  request: (method: string, path: string, init: Record<string, unknown>) => Promise<unknown>;
};

async function invoke<Table extends OperationTable>(
  client: object,
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
  const { serializedBody, ...rest } = init;
  const serialized = serializeBody(spec, init.body, serializedBody);
  try {
    await (client as LooseClient).request(spec.method.toLowerCase(), spec.path, {
      ...rest,
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
    if (!(error instanceof TransportFailure)) throw error;
    const variant =
      error.kind === "timeout"
        ? { status: "timeout" as const, timeoutMs: error.timeoutMs ?? 0 }
        : error.kind === "auth"
          ? { status: "auth" as const, reason: error.message }
          : { status: error.kind };
    return { ok: false, error: ApiError.of(variant, target, config.secrets, error) } as {
      ok: false;
    };
  }
  if (captured === undefined) throw new Error(`${operation}: no response was captured`);
  const outcome = interpretResponse(spec, captured.status, captured.headers, captured.text);
  if (outcome.ok) return outcome;
  return { ok: false, error: ApiError.of(outcome.variant, target, config.secrets) } as {
    ok: false;
  };
}

function concretePath(template: string, params: Record<string, unknown> | undefined): string {
  return template.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const value = params?.[name];
    return value === undefined ? whole : encodeURIComponent(String(value));
  });
}
