// 2xx bodies that parse but lack what the spec requires below the top level, and gateways that answer 401
// with an HTML page: the first must be `malformed` naming the field (never data an adapter then trusts), the
// second must stop an import at once, whatever variant carries it.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { isFatal } from "../../src/core/engine/chunk-outcomes.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { useMswServer } from "../support/msw.js";
import { expectNoSecret } from "./leaks.js";
import { hostileVendors, type HostileVendor } from "./vendors.js";

const server = useMswServer();
const JSON_TYPE = { "Content-Type": "application/json" };

function answering(vendor: HostileVendor, respond: () => Response): void {
  server.use(...vendor.support, http.post(vendor.url, respond));
}

describe.each(hostileVendors(seededFaker("hostile shapes")))("$name", (vendor) => {
  const { status, body, broken, missing } = vendor.success;

  it("accepts the documented 2xx body", async () => {
    answering(vendor, () => HttpResponse.json(body, { status }));
    const result = await vendor.client().operation();
    expect(result).toMatchObject({ ok: true, status, data: body });
  });

  it(`a 2xx without ${missing} is malformed, naming the field`, async () => {
    answering(vendor, () => HttpResponse.json(broken, { status }));
    const result = await vendor.client().operation();
    if (result.ok || result.error.status !== "malformed") throw new Error("expected malformed");
    expect(result.error["reason"]).toBe(`missing required field ${missing}`);
    expect(result.error["httpStatus"]).toBe(status);
  });

  it("a 2xx whose body holds a key twice in one object is malformed, naming the key", async () => {
    const [key] = Object.keys(body);
    const text = JSON.stringify(body).replace(/^\{/, `{${JSON.stringify(key)}:null,`);
    answering(vendor, () => new HttpResponse(text, { status, headers: JSON_TYPE }));
    const result = await vendor.client().operation();
    if (result.ok || result.error.status !== "malformed") throw new Error("expected malformed");
    expect(result.error["reason"]).toBe(`key ${JSON.stringify(key)} appears twice in one object`);
  });

  // The reason goes into every record's outcome of the chunk: a key as long as the body would be copied into
  // the report once per record.
  it("a 2xx holding a long key twice names the key cut short, as much as an excerpt of a body", async () => {
    const key = `k${"x".repeat(100_000)}`;
    const text = JSON.stringify(body).replace(/^\{/, `{"${key}":1,"${key}":2,`);
    answering(vendor, () => new HttpResponse(text, { status, headers: JSON_TYPE }));
    const result = await vendor.client().operation();
    if (result.ok || result.error.status !== "malformed") throw new Error("expected malformed");
    expect(result.error["reason"]).toMatch(/^key "kx{63}"… appears twice in one object$/);
  });

  it("a 2xx holding a key of 64 characters twice names the key whole", async () => {
    const key = "k".repeat(64);
    const text = JSON.stringify(body).replace(/^\{/, `{"${key}":1,"${key}":2,`);
    answering(vendor, () => new HttpResponse(text, { status, headers: JSON_TYPE }));
    const result = await vendor.client().operation();
    if (result.ok || result.error.status !== "malformed") throw new Error("expected malformed");
    expect(result.error["reason"]).toBe(`key "${key}" appears twice in one object`);
  });

  // Only a success is taken at its word: an error's status says what happened whatever its body repeats.
  it("a documented error whose body holds a key twice keeps its status", async () => {
    const error = vendor.documentedError;
    const [key] = Object.keys(error.body("no"));
    const text = JSON.stringify(error.body("no")).replace(/^\{/, `{${JSON.stringify(key)}:null,`);
    answering(vendor, () => new HttpResponse(text, { status: error.status, headers: JSON_TYPE }));
    const result = await vendor.client({ maxRetries: 0 }).operation();
    if (result.ok) throw new Error("expected an error");
    expect(result.error.status).toBe(error.status);
  });

  // JSON.parse reads nesting far deeper than the stack lets a recursive walk go: the client's scrub of an error
  // body threw, so a call rejected where it answers `{ ok: false }`, and a 403 so nested stopped nothing.
  const DEEP = `{"deep":${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
  it("a 2xx nested deeper than any answer is malformed, saying so", async () => {
    answering(vendor, () => new HttpResponse(DEEP, { status, headers: JSON_TYPE }));
    const result = await vendor.client().operation();
    if (result.ok || result.error.status !== "malformed") throw new Error("expected malformed");
    expect(result.error["reason"]).toMatch(
      /^body nests arrays and objects more than 256 levels deep$/,
    );
  });

  it("a 403 and a documented error nested that deep are answered, and the 403 stops the import", async () => {
    for (const code of [403, vendor.documentedError.status]) {
      answering(vendor, () => new HttpResponse(DEEP, { status: code, headers: JSON_TYPE }));
      const result = await vendor.client({ maxRetries: 0 }).operation();
      if (result.ok) throw new Error("expected an error");
      expect(result.error["httpStatus"] ?? result.error.status).toBe(code);
      expect(isFatal(result.error)).toBe(code === 403);
    }
  });

  it("a gateway's HTML 401 is fatal to the import, and holds no secret", async () => {
    let sent = 0;
    answering(vendor, () => {
      sent++;
      return new HttpResponse("<html><body><h1>401 Authorization Required</h1></body></html>", {
        status: 401,
        headers: { "Content-Type": "text/html" },
      });
    });
    const result = await vendor.client().operation();
    if (result.ok) throw new Error("expected an error");
    expect(["malformed", "undocumented"]).toContain(result.error.status);
    expect(result.error["httpStatus"]).toBe(401);
    expect(isFatal(result.error)).toBe(true);
    // Propeller renews its token once after a 401; nobody retries beyond that.
    expect(sent).toBe(vendor.name === "Propeller" ? 2 : 1);
    expectNoSecret(result.error, vendor.secrets);
  });
});

it("a 2xx whose required field has the wrong JSON type is malformed, naming the field", async () => {
  const [fullstory] = hostileVendors(seededFaker("hostile types"));
  answering(fullstory!, () =>
    HttpResponse.json({ job: { id: 42, status: "PROCESSING", created: "2026-01-01T00:00:00Z" } }),
  );
  const result = await fullstory!.client().operation();
  if (result.ok || result.error.status !== "malformed") throw new Error("expected malformed");
  expect(result.error["reason"]).toBe("field job.id is a number, expected string");
});

it.each([
  ["an HTML 403", 403, "malformed"],
  ["a 407 from a proxy", 407, "undocumented"],
])("%s: only 401 and 403 stop the import", async (_name, code, variant) => {
  const [fullstory] = hostileVendors(seededFaker("hostile 403"));
  answering(
    fullstory!,
    () =>
      new HttpResponse("<html>no</html>", {
        status: code,
        headers: { "Content-Type": "text/html" },
      }),
  );
  const result = await fullstory!.client({ maxRetries: 0 }).operation();
  if (result.ok) throw new Error("expected an error");
  expect(result.error.status).toBe(variant);
  expect(isFatal(result.error)).toBe(code === 403);
});
