import { inspect } from "node:util";
import { expect } from "vitest";

/** The shortest piece of a secret whose presence counts as a leak. */
const FRAGMENT = 6;

/** Every way a caller or a logger may render an error. */
export function renderings(error: unknown): string[] {
  const out = [String(error), inspect(error, { depth: 10 }), JSON.stringify(error) ?? ""];
  if (error instanceof Error) out.push(error.message, error.stack ?? "");
  if (error !== null && typeof error === "object") {
    const { toJSON, bodyText } = error as { toJSON?: unknown; bodyText?: unknown };
    if (typeof toJSON === "function") out.push(JSON.stringify(toJSON.call(error)));
    if (typeof bodyText === "string") out.push(bodyText);
  }
  return out;
}

/** Fails when any rendering holds a secret, or any run of 6 or more of its characters. */
export function expectNoSecret(error: unknown, secrets: readonly string[]): void {
  expectNoFragment(renderings(error), secrets);
}

function expectNoFragment(texts: readonly string[], secrets: readonly string[]): void {
  for (const text of texts) {
    for (const secret of secrets) {
      for (let start = 0; start + FRAGMENT <= secret.length; start++) {
        const fragment = secret.slice(start, start + FRAGMENT);
        if (text.includes(fragment)) {
          expect.fail(`a fragment "${fragment}" of a secret appears in: ${text.slice(0, 2000)}`);
        }
      }
    }
  }
}

/** `text` with each JSON `\u` escape read, however often escaped (`\\u…` where a rendering quotes JSON). */
const unescaped = (text: string) =>
  text.replace(/\\+u([0-9A-Fa-f]{4})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );

/** As {@link expectNoSecret}, with each rendering's JSON escapes read: `\u0073\u006b…` is the secret. */
export function expectNoEscapedSecret(error: unknown, secrets: readonly string[]): void {
  expectNoFragment(renderings(error).map(unescaped), secrets);
}
