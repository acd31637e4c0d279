/** The shape of a `generated/<vendor>.operations.ts` table: what the specs say about each operation. */
export interface OperationSpec {
  readonly method: string;
  readonly path: string;
  readonly requestMediaType: string | null;
  /** Multipart parts that are files, with their media type (e.g. `persons` → `text/csv`). */
  readonly requestEncoding: Readonly<Record<string, string>>;
  readonly responses: Readonly<
    Record<
      string,
      {
        readonly mediaType: string | null;
        readonly required: readonly string[];
        readonly headers: readonly string[];
      }
    >
  >;
}

export type OperationTable = Readonly<Record<string, OperationSpec>>;
