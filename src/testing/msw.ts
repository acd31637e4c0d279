import { HttpResponse, http, type HttpHandler } from "msw";
import { checkedAnswer } from "./response-check.js";
import type { VendorSimulator } from "./simulator.js";

/**
 * msw handlers that route every request under `baseUrl` to the simulator, for an integrator's own tests:
 * `setupServer(...simulatorHandlers(createFullStorySimulator(), "https://api.fullstory.com"))`.
 */
export function simulatorHandlers(simulator: VendorSimulator, baseUrl: string): HttpHandler[] {
  const base = baseUrl.replace(/\/$/, "");
  return [
    http.all(`${base}/*`, async ({ request }) => {
      const answer = await checkedAnswer(simulator, request, new URL(base).pathname);
      return answer ?? HttpResponse.error();
    }),
  ];
}
