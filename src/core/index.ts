export { ApiError, type RequestTarget, type TransportVariant } from "./errors/api-error.js";
export type {
  ApiErrorOf,
  ApiResult,
  ApiSuccessOf,
  ErrorStatusOf,
  SuccessStatusOf,
} from "./errors/result.js";
export type { CommonClientOptions } from "./client/options.js";
export type { ApiClient, OperationInit } from "./client/create-api-client.js";
export type { RetryEvent } from "./http/transport.js";
export { VERSION } from "./version.js";
export { runImport, type ImportOptions } from "./engine/engine.js";
export { JournalError } from "./engine/journal.js";
export type { ImportProgress, ImportReport, RecordOutcome } from "./engine/report.js";
export type {
  Chunk,
  ChunkContext,
  ChunkResult,
  ImportAdapter,
  ItemOutcome,
  Rejection,
} from "./engine/adapter.js";
export type { RateLimiterOptions } from "./http/rate-limiter.js";
export type { ReplayOptions } from "./engine/follow-chunk.js";
export type { ReplaySemantics } from "./engine/adapter.js";
export { vendorCode, type RequestFailureCode, type VendorCode } from "./engine/failure-codes.js";
