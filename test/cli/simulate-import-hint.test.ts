// `simulate <vendor>` prints the `import` command that reaches it "with credentials it accepts" (README:
// Simulators): the flags of the settings the simulator has a value for, and no others. Userpilot's
// `--environment` has none: printed as `--environment undefined`, the copied command was refused.
import { expect, it } from "vitest";
import { run } from "../../src/cli/run.js";
import { fakeIo } from "./helpers.js";

it("userpilot: the printed import command names its API key, and no setting the simulator has no value for", async () => {
  const fake = fakeIo();
  const done = run(["simulate", "userpilot", "--port", "0"], fake.io);
  let settled = false;
  void done.finally(() => (settled = true));
  for (let i = 0; i < 400 && !settled && !fake.stdout.text.includes("import into it"); i++)
    await new Promise((resolve) => setTimeout(resolve, 5));
  fake.controller.abort();
  expect(await done).toBe(0);

  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(fake.stdout.text)?.[1];
  const hint = /import into it: (.*)\n/.exec(fake.stdout.text)?.[1];
  expect(hint).toBe(
    `bulk-user-import import userpilot <file> --base-url ${url ?? "(none)"} --api-key sim-key`,
  );
});
