import type { Middleware } from "openapi-fetch";

/** What a non-2xx answer's body reads as where a caller's middleware read it, or locked it, first. */
export const BODY_NOT_KEPT = "[body not kept: a middleware added with raw.use read or locked it]";

/** Each stand-in {@link keptAnswer} made, and the answer it stands for. */
const standsFor = new WeakMap<Response, Response>();

/** Each caller's middleware, and what {@link keepingAnswers} made of it: `eject` takes the same one off. */
const kept = new WeakMap<object, Middleware>();

/** Whether `response`'s body can no longer be read: read (in part or whole), or locked by a reader. */
export function bodyUnreadable(response: Response): boolean {
  return response.bodyUsed || response.body?.locked === true;
}

/**
 * `response`, or, for a non-2xx one whose body cannot be read (see {@link bodyUnreadable}), one with its
 * status, status text and headers whose body says so ({@link BODY_NOT_KEPT}). openapi-fetch reads a non-2xx
 * body into `error`, and `raw` copies the answer to scrub its headers: both threw a TypeError for it, which
 * a raw call and an operation method must not. A 2xx one stays: its body is `data`, no error's.
 */
function keptAnswer(response: Response): Response {
  if (response.ok || !bodyUnreadable(response)) return response;
  const headers = new Headers(response.headers);
  // It measured the body that was not kept.
  headers.delete("content-length");
  const { status, statusText } = response;
  const standIn = new Response(BODY_NOT_KEPT, { status, statusText, headers });
  // A later middleware may read a stand-in too: what it stands for is still the answer the first stood for.
  standsFor.set(standIn, answerBehind(response));
  return standIn;
}

/** The answer `response` stands for, when {@link keptAnswer} made it; else `response` itself. */
export function answerBehind(response: Response): Response {
  return standsFor.get(response) ?? response;
}

/**
 * A middleware a caller adds with `raw.use`, whose answers (one it returns, or the one it was handed and
 * left) are each made a {@link keptAnswer}: a logger that takes a reader on a refusal's body, or reads its
 * text, would otherwise make the call throw. Its hooks are read once, when it is first added. What is no
 * object, or has no hook, is given back as it is, for openapi-fetch to refuse or skip.
 */
export function keepingAnswers(middleware: Middleware): Middleware {
  if (middleware === null || typeof middleware !== "object") return middleware;
  const known = kept.get(middleware);
  if (known !== undefined) return known;
  const { onRequest, onResponse, onError } = middleware;
  const answer = <T>(result: T) => (result instanceof Response ? keptAnswer(result) : result);
  const made: Record<string, unknown> = {};
  if (typeof onRequest === "function")
    made["onRequest"] = async (params: Parameters<typeof onRequest>[0]) =>
      answer(await onRequest.call(middleware, params));
  if (typeof onResponse === "function")
    made["onResponse"] = async (params: Parameters<typeof onResponse>[0]) => {
      const result = await onResponse.call(middleware, params);
      // openapi-fetch keeps the answer it handed on when a hook gives back nothing (any falsy value).
      if (result) return answer(result);
      const left = keptAnswer(params.response);
      return left === params.response ? result : left;
    };
  if (typeof onError === "function")
    made["onError"] = async (params: Parameters<typeof onError>[0]) =>
      answer(await onError.call(middleware, params));
  const guarded = Object.keys(made).length === 0 ? middleware : (made as Middleware);
  kept.set(middleware, guarded);
  return guarded;
}
