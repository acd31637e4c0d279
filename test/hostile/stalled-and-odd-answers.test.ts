// A server that takes a request and never answers it (no status line), or sends its status line and a piece
// of the body and then nothing more, on any call of an import: the timeout path. Beside them, answers the
// spec does not list for the call (201, 204, a 200 HTML page, `__proto__` and `constructor` keys holding a
// finished answer) given after the vendor acted. Once or on every call, the
// run must end within its timeouts, with every record once, none imported that the vendor does not hold,
// nothing written twice, and no credential in the report.
import { describe, expect, it } from "vitest";
import { useMswServer } from "../support/msw.js";
import { serveHostile, useHostileServers, type Action } from "./proxy-server.js";
import { proxiedOperations, expectSound, importInto } from "./vendors-behind-proxy.js";

useMswServer();
const running = useHostileServers();

const cases = proxiedOperations();

const stalls: readonly [string, Action][] = [
  ["no answer", { kind: "hang" }],
  ["a status line, then nothing", { kind: "headThenHang", status: 200 }],
  [
    "the vendor's answer as a 201",
    { kind: "rewrite", rewrite: ({ body }) => ({ status: 201, body }) },
  ],
  ["the vendor's answer as a 204", { kind: "rewrite", rewrite: () => ({ status: 204, body: "" }) }],
  [
    "a 200 HTML page after the vendor acted",
    {
      kind: "rewrite",
      rewrite: () => ({
        status: 200,
        body: "<html>ok</html>",
        headers: { "Content-Type": "text/html" },
      }),
    },
  ],
  [
    "a 200 whose __proto__ key holds what a finished answer would",
    {
      kind: "rewrite",
      rewrite: ({ body }) => ({
        status: 200,
        body: `{"__proto__":${body || "{}"},"constructor":{"prototype":{"ok":true}}}`,
      }),
    },
  ],
];

describe.each(cases)("$vendor.name $operation", ({ vendor, operation }) => {
  describe.each(stalls)("%s", (_name, stall) => {
    it.each(["once", "every time"])(
      "%s: the run ends, every record once, none imported the vendor does not hold",
      async (when) => {
        const simulator = vendor.simulator();
        let stalled = 0;
        const hostile = await serveHostile(simulator, (request) => {
          if (!vendor.operations[operation]?.(request)) return undefined;
          if (when === "once" && stalled > 0) return undefined;
          stalled += 1;
          return stall;
        });
        running.push(hostile);
        const records = vendor.records(3);

        const report = await importInto(vendor, hostile.url, records, {
          client: { timeoutMs: 300 },
          import: { jobTimeoutMs: 5_000 },
        });

        // That the run ends is the runner's timeout's to say (20 s, past the 5 s the job may take): a bound
        // on the wall clock here is one a loaded machine can fail, and proves nothing the timeout does not.
        expect(stalled).toBeGreaterThan(0);
        expectSound(vendor, report, records.length);
        const stats = simulator.stats();
        expect(report.imported).toBeLessThanOrEqual(stats.users);
        expect(stats.duplicates).toBe(0);
        // A call that never answers confirms nothing (an odd answer after the vendor acted may be settled
        // by another call: Userpilot's job list names the job).
        if (when === "every time" && (stall.kind === "hang" || stall.kind === "headThenHang"))
          expect(report.imported).toBeLessThan(records.length);
      },
      20_000,
    );
  });
});
