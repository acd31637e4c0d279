// A 429 is the vendor's rate limit whatever its body: empty, a proxy's HTML page, JSON the spec does not
// describe, or on an operation whose spec lists no 429 at all. Each vendor's records it turned away fail with
// the code a 429 with the documented body gets, "429", never `malformed` or `undocumented`.
import { describe, expect, it } from "vitest";
import { useMswServer } from "../support/msw.js";
import { serveHostile, useHostileServers, type Action } from "./proxy-server.js";
import { expectSound, importInto, proxiedWrites } from "./vendors-behind-proxy.js";

useMswServer();
const running = useHostileServers();

const tooMany = (body: string, type?: string): Action => ({
  kind: "answer",
  status: 429,
  headers: { "Retry-After": "0", ...(type === undefined ? {} : { "Content-Type": type }) },
  body,
});

const bodies: readonly [string, Action][] = [
  ["an empty body", tooMany("")],
  ["an HTML page", tooMany("<html><body>Too Many Requests</body></html>", "text/html")],
  ["JSON the spec does not describe", tooMany('{"detail":"slow down"}', "application/json")],
];

describe.each(proxiedWrites())("$vendor.name $operation", ({ vendor, operation }) => {
  it.each(bodies)("a 429 with %s, every time, fails each record 429", async (_name, answer) => {
    const hostile = await serveHostile(vendor.simulator(), (request) =>
      vendor.operations[operation]?.(request) ? answer : undefined,
    );
    running.push(hostile);
    const records = vendor.records(3);
    const report = await importInto(vendor, hostile.url, records);
    expectSound(vendor, report, records.length);
    expect(report.failed).toBe(records.length);
    for (const outcome of report.outcomes)
      expect(outcome).toMatchObject({ outcome: "failed", code: "429" });
  });
});
