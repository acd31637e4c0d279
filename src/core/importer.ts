import type { ImportAdapter } from "./engine/adapter.js";
import { runImport, type ImportOptions } from "./engine/engine.js";
import type { ReportedFailureCode } from "./engine/failure-codes.js";
import type { ImportReport } from "./engine/report.js";

/**
 * A vendor's `importUsers`: its client, the records (read lazily), the engine's and the adapter's options.
 * `Code` types each failed record's `code` in the report: the vendor's union of failure codes. The outcome
 * `onOutcome` gets is typed by `Options` (a vendor's: its union too), which may type it with any codes: so
 * `Importer<FullStoryClient, FullStoryUser, FullStoryImportOptions>`, as written before codes were typed,
 * still takes FullStory's `importUsers` and options, its report `string`-coded.
 */
export type Importer<
  Client,
  Input,
  Options extends ImportOptions<unknown, never>,
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
