import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { observeSimulatorAnswers } from "../../src/testing/kit/simulator-kit.js";
import { VENDOR_NAMES, type VendorName } from "../../src/vendors.js";
import { vendorExport } from "./vendor-files.js";
import { reportAnswerProblems } from "./response-check.js";

/**
 * One msw server per test file; any request without a handler fails the test that made it, except requests
 * to loopback, which reach the simulators a test serves over real HTTP. Every answer a simulator gives (over
 * msw, loopback or a direct `handle`) is checked against its spec: a simulator that drifts fails the test it answered.
 */
export function useMswServer() {
  const server = setupServer();
  const problems: string[] = [];
  beforeAll(() => {
    observeSimulatorAnswers(reportAnswerProblems((problem) => problems.push(problem)));
    server.listen({
      onUnhandledRequest: (request, print) => {
        if (new URL(request.url).hostname !== "127.0.0.1") print.error();
      },
    });
  });
  afterEach(() => {
    server.resetHandlers();
    expect(problems.splice(0), "simulator answers outside its spec").toEqual([]);
  });
  afterAll(() => {
    observeSimulatorAnswers(undefined);
    server.close();
  });
  return server;
}

/** A server of a spec as `npm run generate` writes it (`generated/<vendor>.operations.ts`). */
interface Server {
  readonly url: string;
  readonly variables?: Readonly<Record<string, { readonly default: string }>>;
}

/** The first server's URL, each `{variable}` its default: the host a client goes to when given none. */
const defaultHost = ({ url, variables = {} }: Server) =>
  url.replace(/\{(\w+)\}/g, (_, name: string) => variables[name]?.default ?? `{${name}}`);

/**
 * Base URLs for the vendors in tests: their real hosts, the ones their clients default to, read from each
 * vendor's spec (its generated `servers`), so the default URL building is exercised.
 */
export const HOSTS: Readonly<Record<VendorName, string>> = Object.fromEntries(
  await Promise.all(
    VENDOR_NAMES.map(async (vendor) => {
      const servers = await vendorExport(vendor, "generated/%s.operations.js", "servers");
      return [vendor, defaultHost((servers as readonly [Server, ...Server[]])[0])] as const;
    }),
  ),
) as Record<VendorName, string>;
