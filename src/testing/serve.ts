import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { buffer } from "node:stream/consumers";
import { DropConnection, type VendorSimulator } from "./simulator.js";

/** A simulator served over HTTP on 127.0.0.1 by {@link serveSimulator}: its `url`, and `close()`. */
export interface RunningSimulator {
  /** The server's origin, `http://127.0.0.1:<port>`: a client's `baseUrl`, followed by any `basePath`. */
  readonly url: string;
  /** The Node HTTP server underneath. */
  readonly server: Server;
  /** Drops every open connection and stops the server; resolves once it has closed. */
  close(): Promise<void>;
}

/** Serves a simulator over HTTP on loopback (127.0.0.1); port 0 picks a free port. */
export async function serveSimulator(
  simulator: VendorSimulator,
  port = 0,
): Promise<RunningSimulator> {
  const server = createServer((req, res) => {
    void (async () => {
      const body = await buffer(req);
      const controller = new AbortController();
      res.on("close", () => controller.abort());
      const headers = Object.entries(req.headersDistinct).flatMap(([name, values = []]) =>
        values.map((value): [string, string] => [name, value]),
      );
      const request = new Request(`http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`, {
        method: req.method ?? "GET",
        headers,
        body: body.length === 0 || req.method === "GET" || req.method === "HEAD" ? null : body,
        signal: controller.signal,
      });
      const response = await simulator.handle(request).catch((error: unknown) => {
        if (error instanceof DropConnection) return undefined;
        throw error;
      });
      if (response === undefined) return void req.socket.destroy();
      const head = Object.fromEntries(response.headers.entries());
      const bytes = await response.arrayBuffer().catch(() => undefined);
      res.writeHead(response.status, head);
      if (bytes !== undefined) return void res.end(Buffer.from(bytes));
      // A body that breaks off (`cutAnswer`) reaches the client so: its head, then the connection ends.
      res.flushHeaders();
      res.socket?.end();
    })().catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(error instanceof Error ? error.message : "simulator error");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
