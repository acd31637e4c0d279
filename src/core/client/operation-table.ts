/**
 * What a documented response body must have, from its schema: the JSON `type` where stated (one or several),
 * the required properties with their own shapes, and the shape of array items. Nothing else is checked.
 */
export interface ResponseShape {
  readonly type?: string | readonly string[];
  readonly required?: Readonly<Record<string, ResponseShape>>;
  readonly items?: ResponseShape;
}

/** The shape of a `generated/<vendor>.operations.ts` table: what the specs say about each operation. */
export interface OperationSpec {
  readonly method: string;
  readonly path: string;
  readonly requestMediaType: string | null;
  /** Multipart parts that are files, with their media type (e.g. `persons` → `text/csv`). */
  readonly requestEncoding: Readonly<Record<string, string>>;
  /** The header parameters the spec documents for the request (e.g. `Idempotency-Key`). */
  readonly requestHeaders: readonly string[];
  readonly responses: Readonly<
    Record<
      string,
      {
        readonly mediaType: string | null;
        readonly shape: ResponseShape;
        readonly headers: readonly string[];
      }
    >
  >;
}

export type OperationTable = Readonly<Record<string, OperationSpec>>;
