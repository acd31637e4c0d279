import type { ApiError, StatusVariantFields, TransportVariant } from "./api-error.js";

// Type-level derivation of every operation's outcome from an openapi-typescript operation object
// (`paths[P][M]`): its `responses` map, keyed by status, gives the variants; nothing is written per operation.

/** An operation's `responses` map, keyed by status. */
export type ResponsesOf<Op> = Op extends { responses: infer R } ? R : never;
/** The 2xx statuses a spec can document as a success. */
export type SuccessStatus = 200 | 201 | 202 | 203 | 204 | 206 | 207;

/** The body type of one response object: its first media type's schema, `undefined` when it has none. */
export type ResponseBody<R> = R extends { content: infer C }
  ? [C] extends [never]
    ? undefined
    : C extends Record<string, unknown>
      ? C[keyof C]
      : undefined
  : undefined;

/** The documented non-2xx statuses of an operation, as numbers. */
export type ErrorStatusOf<Op> = Exclude<Extract<keyof ResponsesOf<Op>, number>, SuccessStatus>;
/** The documented 2xx statuses of an operation. */
export type SuccessStatusOf<Op> = Extract<keyof ResponsesOf<Op>, SuccessStatus>;

/** The error variant of documented status `S` whose response object is `R`. */
export type StatusVariant<S extends number, R> = StatusVariantFields<S, ResponseBody<R>> &
  (S extends 429
    ? {
        /** Seconds to wait, from `Retry-After`, when the vendor sent a readable one. */ readonly retryAfter:
          number | undefined;
      }
    : unknown);

/** The discriminated union of everything that can go wrong in one operation. */
export type ApiErrorOf<Op> = ApiError &
  (
    | { [S in ErrorStatusOf<Op>]: StatusVariant<S, ResponsesOf<Op>[S]> }[ErrorStatusOf<Op>]
    | TransportVariant
  );

/** One documented success, narrowable by `status` where an operation has several (e.g. 200 and 202). */
export type ApiSuccessOf<Op> = {
  [S in SuccessStatusOf<Op>]: {
    /** The vendor answered with a documented 2xx status and the body its spec describes. */
    readonly ok: true;
    /** The documented 2xx status of the answer. */
    readonly status: S;
    /**
     * The body: parsed JSON with the schema's required fields, of their types, at every depth; the text for a
     * non-JSON media type; undefined when the spec documents no body.
     */
    readonly data: ResponseBody<ResponsesOf<Op>[S]>;
    /** The response's headers, names in lower case. */
    readonly headers: Readonly<Record<string, string>>;
  };
}[SuccessStatusOf<Op>];

/** What every operation method returns: never throws for an HTTP or network outcome. */
export type ApiResult<Op> =
  | ApiSuccessOf<Op>
  | {
      /** The call failed: the vendor refused it, or no answer the spec describes came back. */
      readonly ok: false;
      /** What went wrong; narrow it with `switch (error.status)`. */
      readonly error: ApiErrorOf<Op>;
    };
