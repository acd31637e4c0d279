// A gateway on 127.0.0.1 that serves simulators of one vendor on one origin, each under a base path of its
// own (tenants), as a lenient reverse proxy does: before it routes, it decodes the path (`%2F` too), merges
// `//` and resolves `.` and `..`, so that a path that climbs out of one tenant's only once decoded (`..%2F`)
// really reaches another's. It logs every request with its path as it read it.
import { pathBelow } from "../../src/testing/kit/routes.js";
import { serveSimulator } from "../../src/testing/serve.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";
import type { Hostile, Seen } from "./proxy-server.js";

export interface Gateway {
  /** The gateway's origin. */
  readonly url: string;
  /** Every request the gateway received, its path as the gateway read it (and routed it). */
  readonly seen: Seen[];
  /** Serves `simulator` under its `basePath`: its base URL, and the requests the gateway routed to it. */
  mount(simulator: VendorSimulator): Pick<Hostile, "url" | "seen">;
  close(): Promise<void>;
}

/**
 * The path as a lenient gateway reads it: nginx decodes every escape, `%2F` included, merges `//` and
 * resolves dot segments; a chain of such gateways decodes `%25` once each, here until nothing is left to
 * decode.
 */
function gatewayPath(pathname: string): string {
  let path = pathname;
  for (let before = ""; before !== path;) {
    before = path;
    path = path.replace(/%([0-9a-f]{2})/gi, (_, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    );
  }
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "..") segments.pop();
    else if (segment !== "" && segment !== ".") segments.push(segment);
  }
  return `/${segments.join("/")}`;
}

/** A gateway with no tenant yet; {@link Gateway.mount} adds one. */
export async function serveGateway(): Promise<Gateway> {
  const seen: Seen[] = [];
  const tenants: VendorSimulator[] = [];
  const below = (simulator: VendorSimulator, request: Seen) =>
    pathBelow(simulator.basePath ?? "", new URL(request.url, "http://gateway").pathname) !==
    undefined;
  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const body = await request.text();
    const read: Seen = {
      method: request.method,
      url: `${gatewayPath(url.pathname)}${url.search}`,
      headers: Object.fromEntries(request.headers),
      body,
    };
    seen.push(read);
    const tenant = tenants.find((simulator) => below(simulator, read));
    if (tenant === undefined) return Response.json({ message: "no such tenant" }, { status: 404 });
    return tenant.handle(
      new Request(new URL(read.url, url), {
        method: request.method,
        headers: request.headers,
        body: body === "" ? null : body,
        signal: request.signal,
      }),
    );
  };
  // serveSimulator reads only `handle`; each tenant's simulator keeps its own stats and faults.
  const front = { handle } as Pick<VendorSimulator, "handle">;
  const running = await serveSimulator(front as VendorSimulator);
  return {
    url: running.url,
    seen,
    mount(simulator) {
      tenants.push(simulator);
      return {
        url: `${running.url}${simulator.basePath ?? ""}`,
        get seen() {
          return seen.filter((request) => below(simulator, request));
        },
      };
    },
    close: () => running.close(),
  };
}
