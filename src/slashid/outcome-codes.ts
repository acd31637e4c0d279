import type { ItemOutcome } from "../core/engine/adapter.js";
import type { SlashIdFailureCode } from "./failure-codes.js";

export type Outcome = ItemOutcome<SlashIdFailureCode>;

/**
 * The code of a person SlashID listed in `failed_csv`, or that its rows matching persons equally, or its
 * counts, settle it refused (see settleTies).
 */
export const SLASHID_REJECTED = "rejected_by_vendor" satisfies SlashIdFailureCode;
/**
 * The code of a person SlashID's answer leaves in doubt: it counted failures its `failed_csv` does not
 * place, or listed a failed row that this person and others match equally without saying which of them it
 * refused (and neither its other rows nor its counts settle that it refused them all), so this person may or
 * may not have been imported.
 */
export const SLASHID_UNCONFIRMED = "import_unconfirmed" satisfies SlashIdFailureCode;
