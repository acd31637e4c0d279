import type { ImportOptions } from "../core/engine/engine.js";
import { importerOf, type Importer } from "../core/importer.js";
import type { SlashIdFailureCode } from "./failure-codes.js";
import { createSlashIdAdapter, type SlashIdAdapterOptions } from "./adapter.js";
import type { SlashIdClient } from "./client.js";
import type { SlashIdPerson } from "./records.js";

/** Options of a SlashID import: the engine's (chunking, journal, signal, progress) and the adapter's. */
export type SlashIdImportOptions = ImportOptions<unknown, SlashIdFailureCode> &
  SlashIdAdapterOptions;

/**
 * Imports persons into the SlashID organization of `client`: validates each record (rejections name the
 * `slashid.*` rule), uploads them as CSV files of `chunkRecords` persons (one at a time by default) with
 * `bulkImportPersons`, and reports one outcome per record in input order. Never throws for a vendor answer:
 * 400 / 402 fail that file's persons, 401 / 403 stop the import (the rest fail as `fatal`), and rows SlashID
 * lists in `failed_csv` fail with its reason. See {@link createSlashIdAdapter} for the details.
 *
 * @function
 * @example
 * const report = await importUsers(createSlashIdClient({ apiKey, orgId }), persons, {
 *   journal: "slashid-import.journal",
 * });
 */
export const importUsers: Importer<
  SlashIdClient,
  SlashIdPerson,
  SlashIdImportOptions,
  SlashIdFailureCode
> = importerOf(createSlashIdAdapter);
