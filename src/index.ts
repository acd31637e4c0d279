/**
 * What every vendor module shares: {@link ApiError}, the error side of every client call; the import
 * engine ({@link runImport}, its {@link ImportOptions} and the {@link ImportReport} it gives, one
 * {@link RecordOutcome} per record); and {@link JournalError}. Each vendor's API is here too under its own
 * name (`fullstory.importUsers`, …), as it is from its own import path (`bulk-user-import/fullstory`, …).
 *
 * @module
 */
export * from "./core/index.js";
// Each vendor's API under its own name: `fullstory.importUsers`, `slashid.createSlashIdClient`, …
export * as fullstory from "./fullstory/index.js";
export * as slashid from "./slashid/index.js";
export * as propeller from "./propeller/index.js";
export * as userpilot from "./userpilot/index.js";
