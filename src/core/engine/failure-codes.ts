import { httpStatusOf, type ApiError, type TransportVariant } from "../errors/api-error.js";

/**
 * The code of a record whose request failed without a vendor verdict on the record: the HTTP status of a
 * refusal the adapter has no better word for (`"400"`, `"429"`, `"503"`), or the transport variant
 * (`"network"`, `"timeout"`, `"malformed"`, …). `failedBy` and `chunkFailed` give these.
 */
export type RequestFailureCode = `${number}` | TransportVariant["status"];

/**
 * The codes the engine gives a record of any vendor, besides its adapter's; each vendor's union of failure
 * codes holds them:
 * - `fatal`: a vendor answer stopped the import (bad credentials, no permission) before the record was
 *   settled, or the journal could not be written or read; `ImportReport.fatal` says why;
 * - `aborted`: the caller's signal stopped the import first, or a callback that threw or a journal that does
 *   not fit the input did, or (with a journal) the input broke off before the record's chunk was full; also
 *   a record of another chunk still out when a `fatal` stop cut its requests short (its reason says so);
 * - `chunk_failed`: sending or following the record's chunk threw (an adapter's error);
 * - `no_outcome`: the adapter gave the record no outcome; the vendor may hold it.
 */
export type EngineFailureCode = "fatal" | "aborted" | "chunk_failed" | "no_outcome";

declare const vendorCodeBrand: unique symbol;

/**
 * An error code the vendor itself gave for a record or a request, passed through as it is; in a report, also
 * a code read back from a journal, or one scrubbing changed. Branded, so a vendor's union of failure codes
 * still refuses a mistyped literal given as one of its codes
 * (`const c: FullStoryFailureCode = "job_timout"`): only {@link vendorCode} makes one. A comparison with a
 * literal (`===`, a `case`) is not refused, as a `VendorCode` may be any text; in a `case`, the code is the
 * literal or a `VendorCode`.
 */
export type VendorCode = string & {
  /** A brand for the type checker only: no value holds it at run time. */
  readonly [vendorCodeBrand]: true;
};

/**
 * The codes an import's report may give a failed record of an adapter whose own union of failure codes is
 * `Code` (`ImportReport<ReportedFailureCode<Code>>`): those, the engine's ({@link EngineFailureCode}), and a
 * code passed through as it was written ({@link VendorCode}): one an earlier run's journal holds (a file,
 * which may hold anything), or one the adapter's `scrub` changed. Each vendor's union holds the engine's
 * codes and `VendorCode`, so for a vendor's adapter this is its union (`FullStoryFailureCode`, …).
 */
export type ReportedFailureCode<Code extends string> = Code | EngineFailureCode | VendorCode;

/** Marks a code read from the vendor's answer (or a journal) as one passed through as it is. */
export function vendorCode(code: string): VendorCode {
  return code as VendorCode;
}

/**
 * The code of a failed request: its documented status as text, or its transport variant; but `"429"` for
 * any 429, as the rate limit it is whatever its body (empty, a proxy's page: `malformed`; one over
 * `maxResponseBytes`: `too_large`), where the spec lists none (`undocumented`) or where the token request
 * met it, leaving no token to send the request with (`network`), so a caller counting rate-limited records
 * finds them under one code.
 */
export function requestFailureCode(error: ApiError): RequestFailureCode {
  const status = error.status;
  if (typeof status === "number") return `${status}`;
  return httpStatusOf(error) === 429 ? "429" : status;
}
