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
      simulator.handle(request).catch((error: unknown) => {
        if (error instanceof DropConnection) return HttpResponse.error();
        throw error;
      }),
    ),
  ];
}
