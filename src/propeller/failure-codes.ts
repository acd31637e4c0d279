import type {
  EngineFailureCode,
  RequestFailureCode,
  VendorCode,
} from "../core/engine/failure-codes.js";

/**
 * The `code` of a user the Propeller adapter failed:
 * - `rejected_by_vendor`: Propeller's answer says it did not write the user (`success: false`);
 * - `no_outcome`: Propeller's answer holds no result for the user, or results for its sourceId beyond the
 *   users sent under it that say both that it wrote the user and that it did not, or, where users of the
 *   request share its sourceId as different users (another source or language), results that do not line
 *   up with them (Propeller may hold it);
 * - Propeller's own error code for a refused request (its body's `error.code`), as it gives it, else the
 *   HTTP status (`"400"`, `"404"`);
 * - another {@link RequestFailureCode}: the request failed (`"429"`, `"network"`, …);
 * - an {@link EngineFailureCode} (`fatal`, `aborted`, `chunk_failed`, or `no_outcome` for a record the
 *   adapter gave no outcome), which the engine gives.
 */
export type PropellerFailureCode =
  "rejected_by_vendor" | "no_outcome" | RequestFailureCode | EngineFailureCode | VendorCode;
