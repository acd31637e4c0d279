import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { observeSimulatorAnswers } from "../../src/testing/kit/simulator-kit.js";
import type { VendorName } from "../../src/vendors.js";
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

/** Base URLs for the four vendors in tests: their real hosts, so the default URL building is exercised. */
export const HOSTS = {
  fullstory: "https://api.fullstory.com",
  slashid: "https://api.slashid.com",
  propeller: "https://api.helice.cloud",
  userpilot: "https://analytex.userpilot.io",
} as const satisfies Record<VendorName, string>;
