/**
 * The secrets one client holds (API keys, client secrets, access tokens). Every error is scrubbed against
 * them before it is built, so a vendor or proxy that echoes a header back cannot leak it into logs.
 */
export class SecretSet {
  readonly #values = new Set<string>();

  add(...values: (string | undefined)[]): void {
    // Very short values would redact ordinary words; real credentials are long.
    for (const value of values)
      if (value !== undefined && value.length >= 6) this.#values.add(value);
  }

  scrub(text: string): string {
    let out = text;
    for (const secret of this.#values) out = out.split(secret).join("[REDACTED]");
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
}
