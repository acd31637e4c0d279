import { whenAborted } from "../when-aborted.js";
import { carryDeadline } from "./deadline.js";
import { carryRequestWaits } from "./request-waits.js";

/** A signal for one call, following a longer-lived one, and how to let go of it when the call is over. */
export interface CallSignal {
  readonly signal: AbortSignal | undefined;
  /** Detaches the call's signal from the parent; call it once the call has ended, however it ended. */
  release(): void;
}

const nothing: CallSignal = { signal: undefined, release: () => {} };

/**
 * A signal that aborts when `parent` does, held by one listener that `release` removes. A Request built with
 * a signal hangs an abort listener on it that only garbage collection takes off again (undici), and
 * `AbortSignal.any` leaves an entry on each source until then (Node 20); an import's run signal, passed to
 * every request, would collect one per request (a MaxListenersExceededWarning past 1,500, and memory growing
 * with the number of requests). Given a call signal instead, the parent holds one listener, whatever the
 * number of calls in flight (see whenAborted).
 */
export function callSignal(parent: AbortSignal | undefined): CallSignal {
  if (parent === undefined) return nothing;
  const controller = new AbortController();
  carryDeadline(parent, controller.signal);
  carryRequestWaits(parent, controller.signal);
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, release: () => {} };
  }
  const release = whenAborted(parent, () => controller.abort(parent.reason));
  return { signal: controller.signal, release };
}
