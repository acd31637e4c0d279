import type { SecretSet } from "../errors/secrets.js";
import { bodyUnreadable } from "./kept-answers.js";

/** A null-body status: a Response of one cannot be made with a body, even an empty one. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * `response` with its status text and headers, names and values, scrubbed of `secrets`, as an operation
 * method's error shows an answer's headers: a server echoing a credential back (a debug proxy, a
 * `WWW-Authenticate` quoting the token it refused) would otherwise put it in whatever logs the response. The
 * response itself when nothing holds a secret; else a new one with the same status and body, read or not as
 * the original's is (its `url` is the transport's, already empty).
 */
export async function scrubbedResponse(response: Response, secrets: SecretSet): Promise<Response> {
  const statusText = secrets.scrubRuns(response.statusText);
  const headers = new Headers();
  let changed = statusText !== response.statusText;
  // Iterated, a Headers gives each Set-Cookie apart, as append takes them.
  for (const [name, value] of response.headers) {
    const safeValue = secrets.scrubRuns(value);
    // A scrubbed name keeps only what a header name may hold (`[REDACTED]`'s brackets may not).
    const safeName = secrets.scrubRuns(name).replace(/[^!#$%&'*+\-.^_`|~0-9A-Za-z]/g, "");
    changed ||= safeValue !== value || safeName !== name;
    if (safeName !== "") headers.append(safeName, safeValue);
  }
  if (!changed) return response;
  const init = { status: response.status, statusText, headers };
  if (!bodyUnreadable(response)) return new Response(response.body, init);
  // openapi-fetch read the body (into `error`), or what took a reader on it holds it: the new one is read, so
  // it answers as the original would, and no body that cannot be taken over is handed to a Response.
  const read = new Response(NULL_BODY.has(response.status) ? null : "", init);
  await read.arrayBuffer();
  return read;
}
