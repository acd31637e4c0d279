import type { VendorSimulator } from "../../src/testing/simulator.js";

/**
 * Serves `sim`, but first calls `onRequest` with each request whose `METHOD /path` starts with `route` and
 * how many have so far; an answer it returns replaces the simulator's.
 */
export function interceptRoute(
  sim: VendorSimulator,
  route: string,
  onRequest: (
    seen: number,
    request: Request,
  ) => Response | undefined | void | Promise<Response | undefined>,
): VendorSimulator {
  let seen = 0;
  return {
    vendor: sim.vendor,
    stats: () => sim.stats(),
    setFaults: (faults) => sim.setFaults(faults),
    async handle(request) {
      const { pathname } = new URL(request.url);
      if (`${request.method} ${pathname}`.startsWith(route)) {
        const replaced = await onRequest(++seen, request);
        if (replaced !== undefined) return replaced;
      }
      return sim.handle(request);
    },
  };
}
