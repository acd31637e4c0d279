/**
 * What a documented response body must have, from its schema: the JSON `type` where stated (one or several),
 * the required properties with their own shapes, and the shape of array items. Nothing else is checked.
 */
export interface ResponseShape {
  /** The JSON type or types the schema states (`object`, `string`, …); absent when it states none. */
  readonly type?: string | readonly string[];
  /** The required properties, by name, each with its own shape. */
  readonly required?: Readonly<Record<string, ResponseShape>>;
  /** The shape of each item of an array. */
  readonly items?: ResponseShape;
}

/** The shape of a `generated/<vendor>.operations.ts` table: what the specs say about each operation. */
export interface OperationSpec {
  /** The HTTP method, in upper case (`POST`). */
  readonly method: string;
  /** The spec's path template, e.g. `/v2/users/{id}`. */
  readonly path: string;
  /** The request body's media type (the spec's first), or null when the operation takes no body. */
  readonly requestMediaType: string | null;
  /** Multipart parts that are files, with their media type (e.g. `persons` → `text/csv`). */
  readonly requestEncoding: Readonly<Record<string, string>>;
  /** The header parameters the spec documents for the request (e.g. `Idempotency-Key`). */
  readonly requestHeaders: readonly string[];
  /** The documented responses, by status (`"200"`, `"429"`, …): any other status is `undocumented`. */
  readonly responses: Readonly<
    Record<
      string,
      {
        /** The body's media type (the spec's first), or null when the response has no body. */
        readonly mediaType: string | null;
        /** What the body must have; `{}` when the spec gives it no schema. */
        readonly shape: ResponseShape;
        /** The response headers the spec documents, by name. */
        readonly headers: readonly string[];
      }
    >
  >;
}

/**
 * A vendor's operations by operationId, as a `generated/<vendor>.operations.ts` table holds them: a client
 * gets one method per entry, and checks each answer against its entry.
 */
export type OperationTable = Readonly<Record<string, OperationSpec>>;
