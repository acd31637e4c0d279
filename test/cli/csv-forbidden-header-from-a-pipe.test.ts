// A CSV read from a named pipe cannot be looked at twice, so the look at its header before the import is
// skipped: the reader itself refuses a header that names __proto__, constructor or prototype, before any row
// (exit 2, nothing sent). Read row by row instead, a row whose cell under it is empty would be imported.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { createFullStorySimulator } from "../../src/testing/index.js";
import { cli, fullStoryFlags, totalRequests, useServedSimulators, useTempDir } from "./helpers.js";

const file = useTempDir("bui-cli-proto-pipe-");
const serve = useServedSimulators();

describe.skipIf(spawnSync("mkfifo", ["--version"]).status !== 0)("a CSV from a named pipe", () => {
  it("whose header names __proto__.x is refused before any row: exit 2, nothing sent", async () => {
    const [a, b] = [faker.string.uuid(), faker.string.uuid()];
    const source = file("proto-source.csv", `uid,__proto__.x\n${a},polluted\n${b},\n`);
    const fifo = file("proto-pipe.csv");
    execFileSync("mkfifo", [fifo]);
    const writer = spawn("sh", ["-c", 'cat "$0" > "$1"', source, fifo], { stdio: "ignore" });
    try {
      const sim = createFullStorySimulator({ processingPolls: 0 });
      const { url } = await serve(sim);
      const result = await cli(["import", "fullstory", fifo, ...fullStoryFlags(url)]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("CSV header __proto__.x [input.forbidden_key]");
      expect(sim.users()).toEqual([]);
      expect(totalRequests(sim)).toBe(0);
    } finally {
      writer.kill();
    }
  }, 20_000);
});
