export {
  ApiError,
  type ApiErrorVariant,
  type OAuthErrorCode,
  type RequestTarget,
  type StatusVariantFields,
  type TransportVariant,
} from "./errors/api-error.js";
export type {
  ApiErrorOf,
  ApiResult,
  ApiSuccessOf,
  ErrorStatusOf,
  ResponseBody,
  ResponsesOf,
  StatusVariant,
  SuccessStatus,
  SuccessStatusOf,
} from "./errors/result.js";
// Type only: `ApiError.of` names it; the class itself stays internal.
export type { SecretSet } from "./errors/secrets.js";
export type { Unprocessed } from "./errors/unprocessed.js";
export type { CommonClientOptions } from "./client/options.js";
export type {
  ApiClient,
  OperationArgs,
  OperationInit,
  OperationMethods,
  OperationOf,
  WithFilledHeaders,
} from "./client/create-api-client.js";
export type { Destined } from "./client/destination.js";
export type { OperationSpec, OperationTable, ResponseShape } from "./client/operation-table.js";
export type { RetryEvent } from "./http/transport.js";
export { VERSION } from "./version.js";
export { runImport, type ImportOptions } from "./engine/engine.js";
export type { KeepOutcomes } from "./engine/report-builder.js";
export type { Importer } from "./importer.js";
export { JournalError } from "./engine/journal.js";
export type { ImportProgress, ImportReport, RecordOutcome } from "./engine/report.js";
export type {
  Chunk,
  ChunkContext,
  ChunkResult,
  ImportAdapter,
  ItemOutcome,
  Rejection,
  Validation,
} from "./engine/adapter.js";
export type { RateLimiterOptions } from "./http/rate-limiter.js";
export type { ReplayOptions } from "./engine/follow-chunk.js";
export type { ReplaySemantics } from "./engine/adapter.js";
export {
  vendorCode,
  type EngineFailureCode,
  type ReportedFailureCode,
  type RequestFailureCode,
  type VendorCode,
} from "./engine/failure-codes.js";
