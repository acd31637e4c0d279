import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll } from "vitest";

/**
 * One msw server per test file; any request without a handler fails the test that made it, except requests
 * to loopback, which reach the simulators a test serves over real HTTP.
 */
export function useMswServer() {
  const server = setupServer();
  beforeAll(() =>
    server.listen({
      onUnhandledRequest: (request, print) => {
        if (new URL(request.url).hostname !== "127.0.0.1") print.error();
      },
    }),
  );
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return server;
}

/** Base URLs for the four vendors in tests: their real hosts, so the default URL building is exercised. */
export const HOSTS = {
  fullstory: "https://api.fullstory.com",
  slashid: "https://api.slashid.com",
  propeller: "https://api.helice.cloud",
  userpilot: "https://analytex.userpilot.io",
} as const;
