// `simulate --port`: 0 to 65535, and a free port without it (README: Simulators), so that two simulators
// started without --port (two vendors, two terminals) both serve. A port past 65535 reached the socket, whose
// RangeError ended the command as a crash instead of the usage error every other bad port gets.
import { describe, expect, it } from "vitest";
import { cli, simulate } from "./helpers.js";

describe("simulate without --port", () => {
  it("serves on a free port: two started at once both serve, each on its own port", async () => {
    const first = await simulate(["simulate", "fullstory"]);
    try {
      const second = await simulate(["simulate", "propeller"]);
      second.fake.controller.abort();
      expect(await second.done).toBe(0);
      expect(second.url).not.toBe(first.url);
    } finally {
      first.fake.controller.abort();
    }
    expect(await first.done).toBe(0);
  });
});

describe("simulate --port past 65535", () => {
  it.each(["65536", "99999"])("--port %s: exit 2, the usage error of a bad port", async (port) => {
    const result = await cli(["simulate", "fullstory", "--port", port]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--port takes 0 to 65535");
  });
});
