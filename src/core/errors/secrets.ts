const REDACTED = "[REDACTED]";
/** The shortest piece of a secret that is redacted where a text was cut through it. */
const MIN_FRAGMENT = 4;
/** Secrets shorter than this are redacted only where they stand alone, so they do not eat ordinary words. */
const WHOLE_WORD_BELOW = 6;
/** The shortest run of a secret's characters redacted anywhere in a text that someone else already cut. */
const MIN_RUN = 6;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The secrets one client holds (API keys, client secrets, access tokens). Every error is scrubbed against
 * them before it is built, so a vendor or proxy that echoes a header back cannot leak it into logs.
 */
export class SecretSet {
  readonly #values = new Set<string>();
  #pattern: RegExp | undefined;

  add(...values: (string | undefined)[]): void {
    for (const value of values) {
      if (value === undefined || value === "") continue;
      this.#values.add(value);
      // A key with reserved characters comes back percent-encoded when echoed in a URL (a redirect's Location).
      const encoded = encodeURIComponent(value);
      if (encoded !== value) this.#values.add(encoded);
    }
    this.#pattern = undefined;
  }

  scrub(text: string): string {
    const pattern = this.#compiled();
    return pattern === undefined ? text : text.replace(pattern, REDACTED);
  }

  /**
   * At most `max` characters of `text` (plus the redaction marker), scrubbed before the cut so a secret
   * straddling it cannot survive as a fragment; a piece of a secret left at either edge is redacted too.
   */
  clip(text: string, max: number): string {
    const scrubbed = this.scrub(text);
    if (scrubbed.length <= max) return this.#redactEdges(scrubbed);
    return this.#redactEdges(scrubbed.slice(0, max));
  }

  /**
   * Scrubs a text the library did not write (a runtime's error message), which may quote a secret already cut
   * short (V8 quotes 10 characters of invalid JSON): every run of 6 or more of a secret's characters goes too.
   */
  scrubRuns(text: string): string {
    const scrubbed = this.scrub(text);
    const hidden = new Array<boolean>(scrubbed.length).fill(false);
    for (const secret of this.#values) {
      for (let start = 0; start + MIN_RUN <= secret.length; start++) {
        const run = secret.slice(start, start + MIN_RUN);
        for (let at = scrubbed.indexOf(run); at !== -1; at = scrubbed.indexOf(run, at + 1)) {
          hidden.fill(true, at, at + MIN_RUN);
        }
      }
    }
    let out = "";
    for (let i = 0; i < scrubbed.length; i++) {
      if (!hidden[i]) out += scrubbed[i];
      else if (i === 0 || !hidden[i - 1]) out += REDACTED;
    }
    return out;
  }

  scrubDeep<T>(value: T): T {
    if (typeof value === "string") return this.scrub(value) as T;
    if (Array.isArray(value)) return value.map((item: unknown) => this.scrubDeep(item)) as T;
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[this.scrub(key)] = this.scrubDeep(item);
      return out as T;
    }
    return value;
  }

  /**
   * One pass over the text, longest secret first: a short secret inside a longer one cannot leave the rest of
   * the longer one behind, and the marker itself is never rescanned.
   */
  #compiled(): RegExp | undefined {
    if (this.#values.size === 0) return undefined;
    this.#pattern ??= new RegExp(
      [...this.#values]
        .sort((a, b) => b.length - a.length)
        .map((secret) =>
          secret.length < WHOLE_WORD_BELOW
            ? `(?<![A-Za-z0-9])${escape(secret)}(?![A-Za-z0-9])`
            : escape(secret),
        )
        .join("|"),
      "g",
    );
    return this.#pattern;
  }

  #redactEdges(text: string): string {
    let out = text;
    for (const secret of this.#values) {
      for (let n = Math.min(secret.length, out.length); n >= MIN_FRAGMENT; n--) {
        if (out.endsWith(secret.slice(0, n))) {
          out = out.slice(0, out.length - n) + REDACTED;
          break;
        }
      }
      for (let n = Math.min(secret.length, out.length); n >= MIN_FRAGMENT; n--) {
        if (out.startsWith(secret.slice(secret.length - n))) {
          out = REDACTED + out.slice(n);
          break;
        }
      }
    }
    return out;
  }
}
