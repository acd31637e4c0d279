// A hostile server on 127.0.0.1: it stands in front of a vendor simulator (served on loopback too) and, per
// request, either passes it through or answers as a broken or malicious vendor would: a redirect, an answer
// of its own, a rewrite of the simulator's answer, or no answer at all. A second loopback server,
// "elsewhere", is another origin that logs whatever reaches it.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { buffer } from "node:stream/consumers";
import { afterEach } from "vitest";
import { serveSimulator, type RunningSimulator } from "../../src/testing/serve.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";

/** One request as a server received it. */
export interface Seen {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** What the hostile server does with one request. */
export type Action =
  | { readonly kind: "pass" }
  /** Answers this status, headers and body instead of the vendor. */
  | {
      readonly kind: "answer";
      readonly status: number;
      readonly headers?: Record<string, string>;
      readonly body?: string;
    }
  /** Lets the vendor process the request, then rewrites its answer. */
  | {
      readonly kind: "rewrite";
      readonly rewrite: (answer: { status: number; body: string }) => {
        status: number;
        body: string;
        headers?: Record<string, string>;
      };
    }
  /**
   * Lets the vendor process the request, then writes `frame(answer)` to the socket as is (a status line,
   * headers and a body of any framing or encoding, which node:http would not send) and closes the connection.
   */
  | {
      readonly kind: "frame";
      readonly frame: (answer: { status: number; body: string }) => readonly (string | Buffer)[];
    }
  /** Reads the request and never answers. */
  | { readonly kind: "hang" }
  /** Sends a status line and headers, then never sends the body nor ends. */
  | { readonly kind: "headThenHang"; readonly status: number };

export type Decide = (request: Seen, nth: number) => Action | undefined;

export interface Hostile {
  readonly url: string;
  /** Every request the hostile server received, in order. */
  readonly seen: Seen[];
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

async function seenOf(req: IncomingMessage): Promise<Seen> {
  const body = (await buffer(req)).toString("utf8");
  return { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers, body };
}

/** A server of another origin (another port) that logs every request and answers 200 `{}`. */
export async function serveElsewhere(): Promise<Hostile> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    void seenOf(req).then((request) => {
      seen.push(request);
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end("{}");
    });
  });
  return { url: await listen(server), seen, close: closer(server) };
}

/**
 * Serves `simulator` behind a hostile front: `decide` picks an action for each request (undefined passes it
 * through). Requests to `/capture…` (a same-origin redirect's target) are logged and answered 200 `{}`.
 */
export async function serveHostile(simulator: VendorSimulator, decide: Decide): Promise<Hostile> {
  const backend: RunningSimulator = await serveSimulator(simulator);
  const seen: Seen[] = [];
  const hanging = new Set<ServerResponse>();
  const forward = async (request: Seen) => {
    const answer = await fetch(`${backend.url}${request.url}`, {
      method: request.method,
      headers: Object.entries(request.headers).flatMap(([name, value]) =>
        value === undefined || name === "host" || name === "content-length"
          ? []
          : (Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, v]),
      ),
      body: request.method === "GET" || request.body === "" ? null : request.body,
    });
    return {
      status: answer.status,
      headers: Object.fromEntries(answer.headers.entries()),
      body: await answer.text(),
    };
  };
  const server = createServer((req, res) => {
    void (async () => {
      const request = await seenOf(req);
      seen.push(request);
      if (request.url.startsWith("/capture")) {
        res.writeHead(200, { "Content-Type": "application/json" });
        return void res.end("{}");
      }
      const action = decide(request, seen.length) ?? { kind: "pass" };
      switch (action.kind) {
        case "hang":
          hanging.add(res);
          return;
        case "headThenHang":
          hanging.add(res);
          res.writeHead(action.status, { "Content-Type": "application/json" });
          res.write('{"job":');
          return;
        case "answer":
          res.writeHead(action.status, action.headers ?? {});
          return void res.end(action.body ?? "");
        case "rewrite": {
          const answer = await forward(request);
          const rewritten = action.rewrite({ status: answer.status, body: answer.body });
          const { "content-length": _length, ...headers } = answer.headers;
          res.writeHead(rewritten.status, { ...headers, ...rewritten.headers });
          return void res.end(rewritten.body);
        }
        case "frame": {
          const answer = await forward(request);
          hanging.add(res);
          for (const part of action.frame(answer)) res.socket?.write(part);
          return void res.socket?.end();
        }
        case "pass": {
          const answer = await forward(request);
          const { "content-length": _length, ...headers } = answer.headers;
          res.writeHead(answer.status, headers);
          return void res.end(answer.body);
        }
      }
    })().catch(() => res.destroy());
  });
  const close = closer(server);
  return {
    url: await listen(server),
    seen,
    close: async () => {
      for (const res of hanging) res.destroy();
      await close();
      await backend.close();
    },
  };
}

/** A redirect answer to `location`. */
export const redirect = (status: number, location: string): Action => ({
  kind: "answer",
  status,
  headers: { Location: location, "Content-Type": "application/json" },
  body: "{}",
});

/** A JSON answer of the hostile server's own. */
export const json = (status: number, body: unknown): Action => ({
  kind: "answer",
  status,
  headers: { "Content-Type": "application/json" },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

/** The servers a test file's tests start (push them), each closed after its test. */
export function useHostileServers(): Hostile[] {
  const running: Hostile[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((server) => server.close()));
  });
  return running;
}
