/**
 * msw handlers that route a vendor's requests to a simulator ({@link simulatorHandlers}).
 *
 * @module
 */
import { HttpResponse, http, type HttpHandler } from "msw";
import { DropConnection, type VendorSimulator } from "./simulator.js";

/**
 * msw handlers that route every request under `baseUrl` to the simulator, for an integrator's own tests:
 * `setupServer(...simulatorHandlers(createFullStorySimulator(), "https://api.fullstory.com"))`.
 */
export function simulatorHandlers(simulator: VendorSimulator, baseUrl: string): HttpHandler[] {
  const base = baseUrl.replace(/\/$/, "");
  return [
    http.all(`${base}/*`, ({ request }) =>
      simulator.handle(request).catch(async (error: unknown) => {
        if (!(error instanceof DropConnection)) throw error;
        // msw's fetch interceptor, given a network error for a request aborted while its answer was being
        // made, leaves a rejection nobody handles ("Failed to fetch"), which fails the test run. A drop
        // waits a turn of the event loop, so that such an abort is seen; the aborted request's answer is
        // never read, so a plain one stands in for it.
        await new Promise((resolve) => setImmediate(resolve));
        return request.signal.aborted
          ? new HttpResponse(null, { status: 599 })
          : HttpResponse.error();
      }),
    ),
  ];
}
