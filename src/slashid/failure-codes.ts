import type { ItemOutcome } from "../core/engine/adapter.js";
import type {
  EngineFailureCode,
  RequestFailureCode,
  VendorCode,
} from "../core/engine/failure-codes.js";

/**
 * The `code` of a person the SlashID adapter failed:
 * - `rejected_by_vendor`: SlashID listed the person's row in `failed_csv` (the reason is SlashID's), or its
 *   rows that match several persons equally, or its counts calling every person failed, settle that it
 *   refused this person;
 * - `import_unconfirmed`: SlashID counted failures its `failed_csv` does not place, or counted more persons
 *   than the file held, or listed a row that this person and others match equally without saying which of
 *   them it refused, so whether this person was imported is unknown; or, on a replayed upload, SlashID
 *   refused the row as existing while a record of an earlier file has its key or another of its handles
 *   (SlashID may hold that record's person without this record's values), or while another person of the
 *   file shares one of its handles (the lost upload may have imported that one in its place);
 * - `"400"` / `"402"`: SlashID refused the whole file (bad request, pricing tier);
 * - another {@link RequestFailureCode}: the upload failed (`"429"`, `"network"`, …);
 * - an {@link EngineFailureCode} (`fatal`, `aborted`, `chunk_failed`, `no_outcome`), which the engine gives;
 * - a {@link VendorCode}: one of these as it reads after a run of a password's characters was scrubbed out
 *   of it, or a code an earlier run's journal holds (a file, which may hold any text), passed through.
 */
export type SlashIdFailureCode =
  "rejected_by_vendor" | "import_unconfirmed" | RequestFailureCode | EngineFailureCode | VendorCode;

export type Outcome = ItemOutcome<SlashIdFailureCode>;

/** The code of a person SlashID refused (see {@link SlashIdFailureCode}). */
export const SLASHID_REJECTED = "rejected_by_vendor" satisfies SlashIdFailureCode;
/** The code of a person SlashID's answer leaves in doubt (see {@link SlashIdFailureCode}). */
export const SLASHID_UNCONFIRMED = "import_unconfirmed" satisfies SlashIdFailureCode;
