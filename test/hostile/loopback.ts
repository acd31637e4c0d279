import { once } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface HugeServer {
  readonly url: string;
  /** Bytes of the huge body written so far (the socket takes them only as fast as the client reads). */
  written(): number;
  /** Resolves once the huge response has ended or its connection closed. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024, " ");

/** A token endpoint's answer, for clients that fetch one first. */
function answerToken(res: ServerResponse): void {
  res.writeHead(200, { "Content-Type": "application/json" });
  res.end(JSON.stringify({ access_token: "t".repeat(24), expires_in: 1800, token_type: "Bearer" }));
}

/**
 * A loopback server whose every answer is a body of `totalBytes` spaces, written chunk by chunk with
 * backpressure (so it stops when the client stops reading), optionally declaring `contentLength`. It answers
 * `/oauth2/token` with a token, for clients that fetch one first.
 */
export async function serveHugeBody(options: {
  status: number;
  totalBytes: number;
  contentLength?: number;
}): Promise<HugeServer> {
  let written = 0;
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const server = createServer((req, res) => {
    void (async () => {
      for await (const _chunk of req);
      if (req.url?.endsWith("/oauth2/token")) return answerToken(res);
      res.writeHead(options.status, {
        "Content-Type": "application/json",
        ...(options.contentLength !== undefined && {
          "Content-Length": String(options.contentLength),
        }),
      });
      let closed = false;
      res.on("close", () => (closed = true));
      while (!closed && written < options.totalBytes) {
        written += CHUNK.byteLength;
        if (!res.write(CHUNK)) {
          // The wait that loses the race is cancelled, or every pause would leave its listeners behind.
          const waits = new AbortController();
          const { signal } = waits;
          await Promise.race([once(res, "drain", { signal }), once(res, "close", { signal })]);
          waits.abort();
        }
      }
      if (!closed) res.end();
      settle();
    })();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    written: () => written,
    settled: () => settled,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Bytes to write as an answer, as they go on the wire (status line, headers and body). */
export type Frame = Iterable<string | Uint8Array>;

/**
 * A loopback server that answers `/oauth2/token` with a token and every other request by writing the parts of
 * `frame()` to the socket as they are, `intervalMs` apart, then closing it: framing and encodings node:http
 * would not produce. It stops writing once the client hangs up, so an endless frame ends with the call.
 */
export async function serveFrames(
  frame: () => Frame,
  intervalMs = 0,
): Promise<{ readonly url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void (async () => {
      for await (const _chunk of req);
      if (req.url?.endsWith("/oauth2/token")) return answerToken(res);
      const socket = res.socket;
      if (socket === null) return;
      for (const part of frame()) {
        if (socket.destroyed) return;
        if (!socket.write(part)) {
          const waits = new AbortController();
          const { signal } = waits;
          await Promise.race([
            once(socket, "drain", { signal }),
            once(socket, "close", { signal }),
          ]);
          waits.abort();
        }
        if (intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
      socket.end();
    })().catch(() => res.destroy());
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
