import type { ImportAdapter } from "./engine/adapter.js";
import { runImport, type ImportOptions } from "./engine/engine.js";
import type { ReportedFailureCode } from "./engine/failure-codes.js";
import type { ImportReport } from "./engine/report.js";

/**
 * A vendor's `importUsers`: its client, the records (read lazily), the engine's and the adapter's options.
 * `Code` types each failed record's `code` in the report, and in the outcome `onOutcome` gets: the vendor's
 * union of failure codes.
 */
export type Importer<
  Client,
  Input,
  Options extends ImportOptions<unknown, Code>,
  Code extends string = string,
> = (
  client: Client,
  records: Iterable<Input> | AsyncIterable<Input>,
  options?: Options,
) => Promise<ImportReport<Code>>;

/**
 * The `importUsers` of a vendor whose adapter `createAdapter` makes: the adapter takes its options from the
 * same object as the engine, each ignoring the other's. An option either refuses rejects the import: the
 * adapter's are checked within the promise too, not thrown from the call.
 */
export function importerOf<Client, Input, AdapterOptions, Code extends string>(
  createAdapter: (client: Client, options?: AdapterOptions) => ImportAdapter<Input, unknown, Code>,
): Importer<
  Client,
  Input,
  ImportOptions<unknown, ReportedFailureCode<Code>> & AdapterOptions,
  ReportedFailureCode<Code>
> {
  return async (client, records, options) =>
    runImport(createAdapter(client, options), records, options);
}
