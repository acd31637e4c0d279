import {
  durationOption,
  functionOption,
  HEADER_TEXT,
  isHeaderText,
  show,
  signalOption,
  wholeNumberOption,
} from "../options.js";
import { createTransport, type Transport, type TransportOptions } from "../http/transport.js";
import { VERSION } from "../version.js";
import type { SecretSet } from "../errors/secrets.js";
import type { CommonClientOptions } from "./options.js";

/**
 * The transport a client's common options describe. With `secrets`, every `onRetry` event is scrubbed of them
 * before the caller sees it: its path may hold a vendor's id that echoes a credential (a job id polled).
 */
export function transportFromOptions(
  given: CommonClientOptions & Pick<TransportOptions, "replaySafe">,
  secrets?: SecretSet,
): Transport {
  checkShapes(given);
  const options = { ...given, ...checkedNumbers(given) };
  const onRetry = options.onRetry;
  if (onRetry !== undefined && secrets !== undefined) {
    options.onRetry = (event) =>
      onRetry({
        ...event,
        path: secrets.scrubRuns(event.path),
        reason: secrets.scrubRuns(event.reason),
      });
  }
  return createTransport({
    ...(options.replaySafe && { replaySafe: options.replaySafe }),
    ...(options.fetch && { fetch: options.fetch }),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.signal && { signal: options.signal }),
    ...(options.onRetry && { onRetry: options.onRetry }),
    ...(options.sleep && { sleep: options.sleep }),
    ...(options.maxResponseBytes !== undefined && { maxResponseBytes: options.maxResponseBytes }),
    ...(options.rateLimit !== undefined && { rateLimit: options.rateLimit }),
    retry: {
      ...(options.maxRetries !== undefined && { maxRetries: options.maxRetries }),
      ...(options.retryBaseDelayMs !== undefined && { baseDelayMs: options.retryBaseDelayMs }),
      ...(options.retryMaxDelayMs !== undefined && { maxDelayMs: options.retryMaxDelayMs }),
      ...(options.maxRetryAfterMs !== undefined && { maxRetryAfterMs: options.maxRetryAfterMs }),
    },
  });
}

/** `bulk-user-import/<version>`, followed by the caller's integration tag when given. */
export function userAgent(tag: string | undefined): string {
  return tag === undefined ? `bulk-user-import/${VERSION}` : `bulk-user-import/${VERSION} ${tag}`;
}

/**
 * Refuses, by name, the options a call would only trip over later (each call failing, or the first retry):
 * a callback that is not a function, a signal that is not an AbortSignal, a `rateLimit` that is neither
 * `false` nor settings, a `userAgent` no header can carry.
 */
function checkShapes(options: CommonClientOptions): void {
  for (const name of ["fetch", "onRetry", "sleep"] as const) functionOption(name, options[name]);
  signalOption("signal", options.signal);
  const rateLimit: unknown = options.rateLimit;
  if (
    rateLimit !== undefined &&
    rateLimit !== false &&
    (typeof rateLimit !== "object" || rateLimit === null)
  )
    throw new TypeError(
      `rateLimit: expected false or an object of settings, got ${show(rateLimit)}`,
    );
  const tag: unknown = options.userAgent;
  if (tag !== undefined && (typeof tag !== "string" || !isHeaderText(tag)))
    throw new TypeError(`userAgent: expected ${HEADER_TEXT}`);
}

/** The numeric options, each refused with a RangeError when out of range (undefined keeps the default). */
function checkedNumbers(options: CommonClientOptions) {
  const zero = { min: 0 };
  return {
    timeoutMs: durationOption("timeoutMs", options.timeoutMs, undefined),
    maxResponseBytes: wholeNumberOption("maxResponseBytes", options.maxResponseBytes, undefined),
    maxRetries: wholeNumberOption("maxRetries", options.maxRetries, undefined, zero),
    retryBaseDelayMs: durationOption("retryBaseDelayMs", options.retryBaseDelayMs, undefined, zero),
    retryMaxDelayMs: durationOption("retryMaxDelayMs", options.retryMaxDelayMs, undefined, zero),
    maxRetryAfterMs: durationOption("maxRetryAfterMs", options.maxRetryAfterMs, undefined, zero),
  };
}
