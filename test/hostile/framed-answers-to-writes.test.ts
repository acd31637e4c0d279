// A whole import whose write the vendor carries out, answered every time in bytes fetch cannot read whole:
// gzip declared over a plain body, a Content-Length past the body then the connection closed, one short of
// the body, an unsolicited 100 Continue. The run must end with every record once, none imported that the
// vendor does not hold (a record is imported only when an answer the client could read says so), nothing
// written twice, and no credential in the report.
import { describe, expect, it } from "vitest";
import { useMswServer } from "../support/msw.js";
import { serveHostile, useHostileServers, type Action } from "./proxy-server.js";
import { expectSound, importInto, proxiedWrites } from "./vendors-behind-proxy.js";

useMswServer();
const running = useHostileServers();

const head = (status: number, headers: readonly string[]) =>
  `HTTP/1.1 ${status} Answer\r\nContent-Type: application/json\r\n${headers.join("\r\n")}\r\n\r\n`;
const bytes = (body: string) => Buffer.byteLength(body);

const frames: readonly [string, Action][] = [
  [
    "gzip declared over a plain body",
    {
      kind: "frame",
      frame: ({ status, body }) => [
        head(status, ["Content-Encoding: gzip", `Content-Length: ${bytes(body)}`]),
        body,
      ],
    },
  ],
  [
    "a Content-Length past the body, then the connection closed",
    {
      kind: "frame",
      frame: ({ status, body }) => [head(status, [`Content-Length: ${bytes(body) + 10}`]), body],
    },
  ],
  [
    "a Content-Length short of the body",
    {
      kind: "frame",
      frame: ({ status, body }) => [
        head(status, [`Content-Length: ${Math.max(0, bytes(body) - 3)}`]),
        body,
      ],
    },
  ],
  [
    "an unsolicited 100 Continue first",
    {
      kind: "frame",
      frame: ({ status, body }) => [
        "HTTP/1.1 100 Continue\r\n\r\n",
        head(status, [`Content-Length: ${bytes(body)}`]),
        body,
      ],
    },
  ],
];

describe.each(proxiedWrites())("$vendor.name $operation", ({ vendor, operation }) => {
  it.each(frames)(
    "%s, every time: the run ends, every record once, none imported the vendor does not hold",
    async (_name, frame) => {
      const simulator = vendor.simulator();
      let framed = 0;
      const hostile = await serveHostile(simulator, (request) => {
        if (!vendor.operations[operation]?.(request)) return undefined;
        framed += 1;
        return frame;
      });
      running.push(hostile);
      const records = vendor.records(3);

      const report = await importInto(vendor, hostile.url, records, {
        client: { timeoutMs: 1_000 },
        import: { jobTimeoutMs: 5_000 },
      });

      expect(framed).toBeGreaterThan(0);
      expectSound(vendor, report, records.length);
      const stats = simulator.stats();
      expect(report.imported).toBeLessThanOrEqual(stats.users);
      expect(stats.duplicates).toBe(0);
      // The write's answer never came whole: only Userpilot, whose job list names the job, can learn
      // elsewhere that its records went in.
      if (!("listBackgroundJobs" in vendor.operations)) expect(report.imported).toBe(0);
    },
  );
});
