// `simulate <vendor>` prints the `import` command that reaches it "with credentials it accepts" (README:
// Simulators): the flags of the settings the simulator has a value for, and no others (with the short poll
// its jobs allow). Userpilot's `--environment` has none: printed as `--environment undefined`, the copied
// command was refused.
import { expect, it } from "vitest";
import { simulate } from "./helpers.js";

it("userpilot: the printed import command names its API key, and no setting the simulator has no value for", async () => {
  const { fake, url, hint, done } = await simulate(["simulate", "userpilot", "--port", "0"]);
  fake.controller.abort();
  expect(await done).toBe(0);

  expect(hint).toBe(
    `bulk-user-import import userpilot <file> --base-url ${url} --api-key sim-key --poll-interval 200ms`,
  );
});
