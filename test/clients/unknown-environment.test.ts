// A client's `environment` picks the host its credentials go to. A value that is none of the vendor's (read
// from a config file: `staging`, `toString`, `__proto__`) is refused with a clear TypeError when the client is
// made, before any request; a `baseUrl` makes `environment` irrelevant.
import { describe, expect, it } from "vitest";
import { createSlashIdClient, type SlashIdEnvironment } from "../../src/slashid/index.js";
import { createUserpilotClient, type UserpilotEnvironment } from "../../src/userpilot/index.js";

const ODD = ["staging", "toString", "__proto__", "evil.example/#"];

describe.each(ODD)("environment %j", (environment) => {
  it("slashid: refused naming the environments it takes", () => {
    expect(() =>
      createSlashIdClient({
        apiKey: "sk_T7qVx2LmZr9cWb4NpJ8dHf3Y",
        orgId: "org",
        environment: environment as SlashIdEnvironment,
      }),
    ).toThrow(
      new TypeError("environment must be one of production, sandbox; use baseUrl for another host"),
    );
  });

  it("userpilot: refused naming the environments it takes", () => {
    expect(() =>
      createUserpilotClient({
        apiKey: "up_T7qVx2LmZr9cWb4NpJ8dHf3Y",
        environment: environment as UserpilotEnvironment,
      }),
    ).toThrow(TypeError);
  });

  it("slashid: ignored when a baseUrl is given", () => {
    expect(() =>
      createSlashIdClient({
        apiKey: "sk_T7qVx2LmZr9cWb4NpJ8dHf3Y",
        orgId: "org",
        baseUrl: "http://127.0.0.1:4010",
        environment: environment as SlashIdEnvironment,
      }),
    ).not.toThrow();
  });
});
