import type { Transport } from "../http/transport.js";

/**
 * Tells who asks when the vendor accepts a client's credential: a 2xx answer. Only a success says so: a 401
 * or 403 refuses the credential, and a 429 or 5xx may come from a gateway or a limiter in front of the
 * vendor's authentication, as may a 4xx where a vendor checks the body first (an OAuth token endpoint's 400).
 */
export class CredentialWatch {
  readonly #listeners = new Set<() => void>();

  /** `transport`, telling the listeners of each 2xx answer as it passes, before the caller reads it. */
  watching(transport: Transport): Transport {
    return async (request) => {
      const response = await transport(request);
      if (response.ok && this.#listeners.size > 0) this.#tell();
      return response;
    };
  }

  /** Calls `listener` once, at the first 2xx answer from now on; the function returned drops it uncalled. */
  whenAccepted(listener: () => void): () => void {
    // Its own entry, so that one listener given twice is called twice and dropped once each.
    const entry = () => listener();
    this.#listeners.add(entry);
    return () => void this.#listeners.delete(entry);
  }

  #tell(): void {
    const listeners = [...this.#listeners];
    this.#listeners.clear();
    for (const listener of listeners) {
      try {
        // An async listener's rejection is ignored as a throw is: left unhandled, it would end the process.
        const told: unknown = listener();
        if (told instanceof Promise) told.catch(() => {});
      } catch {
        // The answer is the call's whatever a listener does: a throw here would fail a call the vendor
        // answered (and may have written), as if nothing had come back.
      }
    }
  }
}
