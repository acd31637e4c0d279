/**
 * msw handlers that route a vendor's requests to a simulator ({@link simulatorHandlers}).
 *
 * @module
 */
import { HttpResponse, http, type HttpHandler } from "msw";
import { show } from "../core/options.js";
import { pathBelow } from "./kit/routes.js";
import { DropConnection, type VendorSimulator } from "./simulator.js";

/**
 * msw handlers that route every request under `baseUrl` and the simulator's `basePath` to the simulator, for
 * an integrator's own tests: `setupServer(...simulatorHandlers(createFullStorySimulator(),
 * "https://api.fullstory.com"))`. The simulator sees each request's whole path: a `baseUrl` with a path
 * needs a simulator whose `basePath` is that path. A request outside the `basePath` is left to the next
 * handler (another simulator behind the same host), else to msw's `onUnhandledRequest`.
 * @throws TypeError for a `baseUrl` that is not an http(s) URL (msw's wildcards are taken).
 */
export function simulatorHandlers(simulator: VendorSimulator, baseUrl: string): HttpHandler[] {
  // msw takes other text (a host without its scheme) for a path, which in Node matches no request at all.
  if (typeof baseUrl !== "string" || !/^https?:\/\/[^/]/i.test(baseUrl))
    throw new TypeError(`baseUrl: expected an http(s) URL, got ${show(baseUrl)}`);
  const base = baseUrl.replace(/\/$/, "");
  return [
    http.all(`${base}/*`, ({ request }) => {
      // Answered here, it would be the vendor's 404, and another simulator's requests would never reach it.
      if (pathBelow(simulator.basePath ?? "", new URL(request.url).pathname) === undefined) return;
      return simulator.handle(request).catch(async (error: unknown) => {
        if (!(error instanceof DropConnection)) throw error;
        // msw's fetch interceptor, given a network error for a request aborted while its answer was being
        // made, leaves a rejection nobody handles ("Failed to fetch"), which fails the test run. A drop
        // waits a turn of the event loop, so that such an abort is seen; the aborted request's answer is
        // never read, so a plain one stands in for it.
        await new Promise((resolve) => setImmediate(resolve));
        return request.signal.aborted
          ? new HttpResponse(null, { status: 599 })
          : HttpResponse.error();
      });
    }),
  ];
}
