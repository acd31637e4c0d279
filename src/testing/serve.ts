import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DropConnection, type VendorSimulator } from "./simulator.js";
import { checkSimulatorResponse } from "./response-check.js";

export interface RunningSimulator {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Serves a simulator over HTTP on loopback (127.0.0.1); port 0 picks a free port. */
export async function serveSimulator(
  simulator: VendorSimulator,
  port = 0,
): Promise<RunningSimulator> {
  const server = createServer((req, res) => {
    void answer(simulator, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function answer(
  simulator: VendorSimulator,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = chunks.length === 0 ? null : Buffer.concat(chunks);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const v of value) headers.append(name, v);
  }
  const controller = new AbortController();
  res.on("close", () => controller.abort());
  const request = new Request(`http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`, {
    method: req.method ?? "GET",
    headers,
    body: req.method === "GET" || req.method === "HEAD" ? null : body,
    signal: controller.signal,
  });
  try {
    const response = await simulator.handle(request);
    await checkSimulatorResponse(simulator, request, response);
    res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    if (error instanceof DropConnection) {
      req.socket.destroy();
      return;
    }
    res.writeHead(500, { "Content-Type": "text/plain" });
    res.end(error instanceof Error ? error.message : "simulator error");
  }
}
