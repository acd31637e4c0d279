import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
    // Vitest's default leaves a core to its main process, which on a two-core machine runs one file at a time;
    // the tests spend much of their time waiting on sockets and child processes, so every core takes a file.
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
