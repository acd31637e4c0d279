// A mock vendor for msw: each route records every request it receives, checks it against the spec
// (test/support/request-conformance.ts) and collects the violations, so the test that made a request can
// fail on them. Routes are built with openapi-msw's typed `http` for the vendor's `paths`.
import type { HttpHandler } from "msw";
import type { OpenApiHttpHandlers } from "openapi-msw";
import { requestViolations, type CredentialCheck } from "./request-conformance.js";
import type { Spec, SpecOperation } from "./specs.js";

/** Builds an msw handler for a spec path (`/v2/users/{id}`) and method from a plain request → response. */
export type RouteFactory = (
  method: string,
  path: string,
  resolve: (request: Request) => Promise<Response>,
) => HttpHandler;

/**
 * Routes of an openapi-msw `http` (typed by the vendor's generated `paths`). The path comes from the spec at
 * run time, so it is cast; the answer is an untyped Response built from the spec's examples.
 */
export function routesOf<Paths extends object>(http: OpenApiHttpHandlers<Paths>): RouteFactory {
  return (method, path, resolve) => {
    const verb = method.toLowerCase() as "get" | "post" | "put" | "delete" | "patch";
    const register = http[verb] as unknown as (
      path: string,
      resolver: (info: {
        request: Request;
        response: { untyped: (response: Response) => Response };
      }) => Promise<Response>,
    ) => HttpHandler;
    return register(path, async ({ request, response }) =>
      response.untyped(await resolve(request)),
    );
  };
}

export interface Attempt {
  readonly operationId: string;
  /** 1-based count of requests to this operation. */
  readonly index: number;
  readonly url: string;
  readonly headers: Headers;
  readonly body: string;
}

export class MockVendor {
  readonly violations: string[] = [];
  readonly attempts: Attempt[] = [];
  /** Checks of the credential each security scheme carries, by scheme name. */
  credentials: Record<string, CredentialCheck> = {};

  constructor(
    readonly spec: Spec,
    readonly route: RouteFactory,
  ) {}

  operation(operationId: string): SpecOperation {
    const op = this.spec.operations().find((o) => o.operationId === operationId);
    if (op === undefined) throw new Error(`${this.spec.vendor}: no operation ${operationId}`);
    return op;
  }

  attemptsOf(operationId: string): Attempt[] {
    return this.attempts.filter((a) => a.operationId === operationId);
  }

  /** A route for the operation: every request is recorded and checked, then answered by `answer`. */
  handle(
    operationId: string,
    answer: (attempt: Attempt) => Response | Promise<Response>,
  ): HttpHandler {
    const op = this.operation(operationId);
    return this.route(op.method, op.path, async (request) => {
      const attempt: Attempt = {
        operationId,
        index: this.attemptsOf(operationId).length + 1,
        url: request.url,
        headers: new Headers(request.headers),
        body: await request.clone().text(),
      };
      this.attempts.push(attempt);
      const problems = await requestViolations(this.spec, op, request.clone(), this.credentials);
      for (const problem of problems) {
        this.violations.push(`${operationId} request ${attempt.index}: ${problem}`);
      }
      return answer(attempt);
    });
  }
}
