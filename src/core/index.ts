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
