import { carryDeadline } from "../http/deadline.js";
import { carryRequestWaits } from "../http/request-waits.js";

/**
 * `request` as the runtime's own Request, made from one read of its `url` and of what the transport sends of
 * it (method, headers, body, signal). A caller's `Request` class (a call's own, or one a `raw.use` middleware
 * hands on) may answer each read of `url` differently: checked on one read and sent on another, the request
 * would go where no check looked, with the client's credentials. What is checked of the one this returns is
 * what is sent.
 */
export function readOnce(request: Request): Request {
  // Not `request` itself as the init: its `keepalive` would refuse its body, a stream here (the transport
  // sends each try without one, from the body's bytes).
  const init: RequestInit & { duplex: "half" } = {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: request.signal,
    duplex: "half",
  };
  const made = new Request(request.url, init);
  carryDeadline(request.signal, made.signal);
  carryRequestWaits(request.signal, made.signal);
  return made;
}

/**
 * A call's own `Request` class (openapi-fetch's `Request` option), made to give what it builds as
 * {@link readOnce} makes it, so the client's checks and the send read one URL. Its instances are the
 * runtime's Requests, as openapi-fetch asks a middleware's to be (`instanceof` the call's class). What is no
 * function is given back as it is, for openapi-fetch to refuse.
 */
export function readingOnce(given: unknown): unknown {
  if (typeof given !== "function") return given;
  const Given = given as typeof Request;
  function OneRead(input: RequestInfo | URL, init?: RequestInit): Request {
    return readOnce(new Given(input, init));
  }
  OneRead.prototype = Request.prototype;
  return OneRead;
}
