import type { TransportVariant } from "../errors/api-error.js";
import type { SecretSet } from "../errors/secrets.js";
import { retryAfterOf } from "../http/retry-policy.js";
import { duplicateKey, keysWithin, MAX_ANSWER_DEPTH, nestsDeeperThan } from "../json-text.js";
import { shapeProblems } from "./check-shape.js";
import type { OperationSpec } from "./operation-table.js";

/** How much of an unusable body an error keeps, in characters. */
const BODY_EXCERPT = 512;
/** How much of a key written twice a reason names, in characters. */
const KEY_EXCERPT = 64;
const TOO_DEEP = `body nests arrays and objects more than ${MAX_ANSWER_DEPTH} levels deep`;

/** What one HTTP response means for an operation, before it is typed. */
export type Interpretation =
  | { ok: true; status: number; data: unknown; headers: Record<string, string> }
  | {
      ok: false;
      variant: (
        { status: number; body: unknown; retryAfter?: number | undefined } | TransportVariant
      ) & {
        headers?: Record<string, string>;
      };
    };

const isJson = (mediaType: string) => /[/+]json\b/i.test(mediaType);

/**
 * Checks a response against the operation's documented responses: a status the spec lists, the media type it
 * names, a body that parses and has the schema's required fields, at every depth, of the stated JSON types.
 * Anything else is `malformed` or `undocumented`, never data of the wrong type. Excerpts of a body are
 * scrubbed against `secrets` before they are cut.
 */
export function interpretResponse(
  spec: OperationSpec,
  status: number,
  headers: Headers,
  bodyText: string,
  secrets: SecretSet,
): Interpretation {
  const headerMap = Object.fromEntries(headers.entries());
  const documented = spec.responses[String(status)];
  const malformed = (reason: string): Interpretation => ({
    ok: false,
    variant: {
      status: "malformed",
      httpStatus: status,
      reason,
      bodyText: secrets.clip(bodyText, BODY_EXCERPT),
      headers: headerMap,
    },
  });

  if (documented === undefined) {
    return {
      ok: false,
      variant: {
        status: "undocumented",
        httpStatus: status,
        body: parseLoosely(bodyText, secrets),
        headers: headerMap,
      },
    };
  }

  let body: unknown = undefined;
  if (documented.mediaType !== null) {
    const received = headers.get("content-type");
    const expected = documented.mediaType;
    if (bodyText === "") return malformed(`empty body, expected ${expected}`);
    if (received !== null && !sameMediaFamily(received, expected)) {
      return malformed(`content type ${received}, expected ${expected}`);
    }
    if (isJson(expected)) {
      try {
        body = JSON.parse(bodyText);
      } catch {
        return malformed("body is not valid JSON");
      }
      const keys = keysWithin(bodyText, MAX_ANSWER_DEPTH);
      if (keys === undefined) return malformed(TOO_DEEP);
      const problems = shapeProblems(body, documented.shape);
      if (problems.length > 0) return malformed(problems.join("; "));
      // JSON.parse keeps a key's last value; a success whose entry says both is not one the vendor confirmed.
      const twice = status < 300 ? duplicateKey(bodyText, body, keys) : undefined;
      // Cut short as an input's key is: each record of the chunk carries the reason into the report.
      if (twice !== undefined) {
        const shown = secrets.clip(twice, KEY_EXCERPT);
        const cut = secrets.scrub(twice).length > KEY_EXCERPT ? "…" : "";
        return malformed(`key ${JSON.stringify(shown)}${cut} appears twice in one object`);
      }
    } else {
      body = bodyText;
    }
  }

  if (status >= 200 && status < 300) return { ok: true, status, data: body, headers: headerMap };
  // As the transport's waits read it (a date from the answer's own `Date`); one past any number, unreadable.
  const retryAfterMs = status === 429 ? retryAfterOf(headers) : undefined;
  const retryAfter =
    retryAfterMs === undefined || !Number.isFinite(retryAfterMs)
      ? undefined
      : Math.ceil(retryAfterMs / 1000);
  return {
    ok: false,
    variant: { status, body, headers: headerMap, ...(status === 429 ? { retryAfter } : {}) },
  };
}

function sameMediaFamily(received: string, expected: string): boolean {
  const r = received.split(";")[0]!.trim().toLowerCase();
  const e = expected.toLowerCase();
  if (isJson(e)) return isJson(r);
  return r === e;
}

function parseLoosely(text: string, secrets: SecretSet): unknown {
  if (text === "") return undefined;
  try {
    const body: unknown = JSON.parse(text);
    if (!nestsDeeperThan(text, MAX_ANSWER_DEPTH)) return body;
  } catch {
    // Kept as text, as a body nested too deep is.
  }
  return secrets.clip(text, BODY_EXCERPT);
}
