// Beyond the examples: for every operation × 2xx JSON response, bodies generated from the response schema
// (seeded). A schema-valid body always gives typed data, never `malformed`; the same body with one required
// field removed, at any depth the generated response `shape` checks, gives `malformed` naming that field.
import type { Faker } from "@faker-js/faker";
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import type { ResponseShape } from "../../src/core/client/operation-table.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { MockVendor } from "../support/mock-vendor.js";
import { useMswServer } from "../support/msw.js";
import { sampleOf } from "../support/schema-sample.js";
import { VENDORS, loadSpec, type DocumentedResponse } from "../support/specs.js";
import { HARNESSES, type Outcome, type VendorHarness } from "./harness.js";

const server = useMswServer();
const BODIES_PER_RESPONSE = 5;

/** A body the response schema accepts (the sampler is checked by ajv, so a sampler bug fails here). */
function validBody(harness: VendorHarness, response: DocumentedResponse, f: Faker): unknown {
  const spec = loadSpec(harness.vendor);
  const body = sampleOf(spec, response.schema!.value, f);
  expect(spec.problems(response.schema!.pointer, body), JSON.stringify(body)).toEqual([]);
  return body;
}

/** Every required field the shape checks, as the path a problem names (`job.id`, `results[0].id`). */
function requiredPaths(body: unknown, shape: ResponseShape, path = ""): string[] {
  const paths: string[] = [];
  if (shape.required !== undefined && isObject(body)) {
    for (const [name, inner] of Object.entries(shape.required)) {
      const at = path === "" ? name : `${path}.${name}`;
      paths.push(at, ...requiredPaths(body[name], inner, at));
    }
  }
  if (shape.items !== undefined && Array.isArray(body) && body.length > 0) {
    paths.push(...requiredPaths(body[0], shape.items, `${path}[0]`));
  }
  return paths;
}

/** A deep copy of `body` without the field at `path`. */
function without(body: unknown, path: string): unknown {
  const copy = structuredClone(body);
  const steps = path.match(/[^.[\]]+/g)!;
  let node: unknown = copy;
  for (const step of steps.slice(0, -1)) node = (node as Record<string, unknown>)[step];
  delete (node as Record<string, unknown>)[steps.at(-1)!];
  return copy;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

async function call(
  harness: VendorHarness,
  operationId: string,
  status: number,
  body: unknown,
  f: Faker,
): Promise<Outcome> {
  const mock = new MockVendor(loadSpec(harness.vendor), harness.route);
  const session = harness.start(f, mock, operationId);
  server.resetHandlers(
    mock.handle(operationId, () => HttpResponse.json(body as never, { status })),
    ...session.handlers,
  );
  const operation = session.client({ maxRetries: 0, sleep: async () => {} })[operationId]!;
  const result = await operation(harness.requests[operationId]!(f));
  expect(mock.violations).toEqual([]);
  return result;
}

for (const vendor of VENDORS) {
  const harness = HARNESSES[vendor];
  describe(`${vendor}: schema-generated 2xx bodies`, () => {
    for (const op of loadSpec(vendor).operations()) {
      for (const response of op.responses) {
        const status = Number(response.status);
        const json = response.mediaType !== null && /[/+]json$/i.test(response.mediaType);
        if (!(status >= 200 && status < 300) || !json || response.schema === null) continue;
        const name = `${op.operationId} ${status}`;
        const shape = harness.operations[op.operationId]!.responses[response.status]!.shape;

        it(`${name}: a schema-valid body gives typed data`, async () => {
          for (let i = 0; i < BODIES_PER_RESPONSE; i++) {
            const f = seededFaker(`${vendor} ${name} valid ${i}`);
            const body = validBody(harness, response, f);
            const result = await call(harness, op.operationId, status, body, f);
            if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
            expect(result.data).toEqual(body);
          }
        });

        it(`${name}: a body without one required field, at any depth, is malformed naming it`, async () => {
          const f = seededFaker(`${vendor} ${name} missing`);
          // Bodies until one has every optional level the shape reaches (arrays not empty).
          let body = validBody(harness, response, f);
          for (let i = 0; i < 20 && !reachesEveryLevel(body, shape); i++) {
            body = validBody(harness, response, f);
          }
          const paths = requiredPaths(body, shape);
          if (paths.length === 0) return; // the schema requires nothing: no body can lack a field
          for (const path of paths) {
            const result = await call(harness, op.operationId, status, without(body, path), f);
            if (result.ok) throw new Error(`${name}: without ${path}, got typed data`);
            expect(result.error.status, `${name} without ${path}`).toBe("malformed");
            expect(result.error.message, `${name} without ${path}`).toContain(
              `missing required field ${path}`,
            );
          }
        });
      }
    }
  });
}

/** Whether every array the shape describes is present and not empty, so its items' fields are checked too. */
function reachesEveryLevel(body: unknown, shape: ResponseShape): boolean {
  if (shape.items !== undefined) {
    return Array.isArray(body) && body.length > 0 && reachesEveryLevel(body[0], shape.items);
  }
  if (shape.required === undefined || !isObject(body)) return true;
  return Object.entries(shape.required).every(([name, inner]) =>
    reachesEveryLevel(body[name], inner),
  );
}
