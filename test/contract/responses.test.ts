// The contract suite: for every spec, every operation × documented status, msw answers with each of the
// status's examples and headers, the operation is called through the project's client, and the typed
// outcome is checked, with retries on (maxRetries 2: as many requests as the retry rule implies) and off
// (maxRetries 0: exactly one). Every request the client sends is checked against the spec. Cases come from
// the specs alone: a response added to a spec is a new case on the next run; one that cannot be exercised
// (no example, a status like `default`) is a failing case named after it.
import { HttpResponse } from "msw";
import { expect, it } from "vitest";
import { ApiError } from "../../src/core/errors/api-error.js";
import { idempotentOperations } from "../../src/core/client/vendor-client.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { enumerateContractCases, type ContractCase } from "../support/contract-cases.js";
import { loggedSleep } from "../support/logged-sleep.js";
import { MockVendor } from "../support/mock-vendor.js";
import { useMswServer } from "../support/msw.js";
import { VENDORS, loadSpec } from "../support/specs.js";
import { HARNESSES, type VendorHarness } from "./harness.js";

const server = useMswServer();

const RETRIES = [2, 0] as const;
const REPLAY_SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
const MAX_RETRY_AFTER_MS = 120_000; // the client's default ceiling on Retry-After
const MAX_BACKOFF_MS = 30_000; // the client's default ceiling on one backoff step

/** The documented response for one example: status, header examples, Content-Type and body. */
function documentedResponse(c: ContractCase, value: unknown): Response {
  const headers = new Headers();
  for (const header of c.headers) headers.set(header.name, header.value);
  if (c.mediaType === null) return new HttpResponse(null, { status: c.status, headers });
  headers.set("Content-Type", c.mediaType);
  const body = /[/+]json$/i.test(c.mediaType) ? JSON.stringify(value) : String(value);
  return new HttpResponse(body, { status: c.status, headers });
}

/** The retry rule: replay-safe requests on 408/429/5xx, any other request only on 429/503. */
function isRetryable(status: number, replaySafe: boolean): boolean {
  return status === 429 || status === 503 || (replaySafe && (status === 408 || status >= 500));
}

async function exercise(harness: VendorHarness, c: ContractCase): Promise<void> {
  const spec = loadSpec(harness.vendor);
  const build = harness.requests[c.operationId];
  if (build === undefined) {
    throw new Error(
      `${c.name}: no request builder for ${c.operationId} in test/contract/harness.ts`,
    );
  }
  // Sent with an `Idempotency-Key` (so replay-safe): the operations whose spec documents one.
  const operation = harness.operations[c.operationId];
  const idempotent =
    operation !== undefined && idempotentOperations(harness.operations).includes(operation);
  const replaySafe = REPLAY_SAFE_METHODS.has(c.method) || idempotent;
  const retryable = isRetryable(c.status, replaySafe);
  const tokenOperation = harness.bearer?.tokenOperationId;
  const usesBearer = tokenOperation !== undefined && tokenOperation !== c.operationId;
  // A 401 on a bearer-authenticated call renews the token once and resends.
  const renewals = usesBearer && c.status === 401 ? 2 : 1;
  const retryAfter = c.headers.find((h) => h.name.toLowerCase() === "retry-after")?.value;

  for (const example of c.examples) {
    for (const maxRetries of RETRIES) {
      const label = `${c.name} [example ${example.name}, maxRetries ${maxRetries}]`;
      const f = seededFaker(label);
      const mock = new MockVendor(spec, harness.route);
      const session = harness.start(f, mock, c.operationId);
      server.resetHandlers(
        mock.handle(c.operationId, () => documentedResponse(c, example.value)),
        ...session.handlers,
      );
      const delays: number[] = [];
      const operations = session.client({
        maxRetries,
        sleep: loggedSleep(delays),
      });
      const call = operations[c.operationId];
      if (call === undefined)
        throw new Error(`${label}: the client has no method ${c.operationId}`);

      const result = await call(build(f));

      // Every request conforms to the spec.
      expect(mock.violations, `${label}: request conformance`).toEqual([]);

      // As many requests as the retry rule implies, waiting Retry-After between them when documented.
      const attempts = mock.attemptsOf(c.operationId);
      const perSend = retryable ? maxRetries + 1 : 1;
      expect(attempts.length, `${label}: requests sent`).toBe(perSend * renewals);
      expect(delays.length, `${label}: waits between retries`).toBe((perSend - 1) * renewals);
      for (const delay of delays) {
        if (retryAfter !== undefined && /^\d+$/.test(retryAfter)) {
          expect(delay, `${label}: wait honours Retry-After`).toBe(
            Math.min(Number(retryAfter) * 1000, MAX_RETRY_AFTER_MS),
          );
        } else {
          expect(delay, `${label}: backoff`).toBeGreaterThanOrEqual(0);
          expect(delay, `${label}: backoff`).toBeLessThanOrEqual(MAX_BACKOFF_MS);
        }
      }
      if (usesBearer) {
        expect(mock.attemptsOf(tokenOperation).length, `${label}: token requests`).toBe(renewals);
      }
      // A retry resends the same request; FullStory's writes always carry one Idempotency-Key.
      for (const attempt of attempts) {
        expect(attempt.body, `${label}: request ${attempt.index} body`).toBe(attempts[0]!.body);
      }
      if (idempotent) {
        const keys = new Set(attempts.map((a) => a.headers.get("idempotency-key")));
        expect([...keys], `${label}: one Idempotency-Key for every attempt`).toHaveLength(1);
        // No key was passed, so the client made one: a UUID v4.
        expect([...keys][0], `${label}: Idempotency-Key`).toMatch(
          /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i,
        );
      }

      // The typed outcome.
      if (c.status >= 200 && c.status < 300) {
        if (!result.ok) throw new Error(`${label}: expected success, got ${result.error.message}`);
        expect(result.status, label).toBe(c.status);
        if (c.mediaType === null) expect(result.data, `${label}: no body`).toBeUndefined();
        else expect(result.data, `${label}: data`).toEqual(example.value);
        for (const header of c.headers) {
          expect(result.headers[header.name.toLowerCase()], `${label}: ${header.name}`).toBe(
            header.value,
          );
        }
      } else {
        if (result.ok) throw new Error(`${label}: expected HTTP ${c.status}, got success`);
        const error = result.error;
        expect(error, label).toBeInstanceOf(ApiError);
        expect(error.status, `${label}: variant (${error.message})`).toBe(c.status);
        expect(error.body, `${label}: body`).toEqual(example.value);
        expect([error.operation, error.method], label).toEqual([c.operationId, c.method]);
        const sent = new URL(attempts.at(-1)!.url);
        expect([sent.pathname, `${sent.pathname}${sent.search}`], `${label}: path`).toContain(
          error.path,
        );
        for (const header of c.headers) {
          expect(error.headers?.[header.name.toLowerCase()], `${label}: ${header.name}`).toBe(
            header.value,
          );
        }
        if (c.status === 429) {
          expect(error.retryAfter, `${label}: retryAfter`).toBe(
            retryAfter === undefined ? undefined : Number(retryAfter),
          );
        }
        const shown = `${error.message}\n${JSON.stringify(error)}\n${error.stack ?? ""}`;
        for (const secret of session.secrets()) {
          expect(shown.includes(secret), `${label}: a secret shows in the error`).toBe(false);
        }
      }
    }
  }
}

for (const vendor of VENDORS) {
  const harness = HARNESSES[vendor];
  const { cases, problems } = enumerateContractCases(
    vendor,
    loadSpec(vendor).doc,
    harness.operations,
  );
  for (const c of cases) {
    it(c.name, () => exercise(harness, c));
  }
  const messages = new Map<string, string[]>();
  for (const problem of problems) {
    messages.set(problem.name, [...(messages.get(problem.name) ?? []), problem.message]);
  }
  for (const [name, lines] of messages) {
    it(name, () => {
      throw new Error(lines.join("\n"));
    });
  }
}
