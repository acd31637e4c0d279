// Ctrl-C stops `simulate` and prints what it counted (README: Simulators). A Ctrl-C while the simulator was
// still starting (its module loading, its port being bound) aborted the signal before the command listened
// for it: the abort event never came again, so the simulator served on, and only a second Ctrl-C ended it,
// killing the process without its stats.
import { expect, it } from "vitest";
import { run } from "../../src/cli/run.js";
import { fakeIo } from "./helpers.js";

it("a Ctrl-C before the simulator listens stops it once it does: exit 0, its stats printed", async () => {
  const fake = fakeIo();
  fake.controller.abort();

  const code = await Promise.race([
    run(["simulate", "fullstory", "--port", "0"], fake.io),
    new Promise<"served on">((resolve) => setTimeout(() => resolve("served on"), 10_000).unref()),
  ]);

  expect(code).toBe(0);
  const lines = fake.stdout.text.trimEnd().split("\n");
  expect(JSON.parse(lines.at(-1) ?? "")).toMatchObject({ users: 0 });
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(fake.stdout.text)?.[1];
  await expect(fetch(`${url ?? ""}/`)).rejects.toThrow();
}, 30_000);
