// The setup file (vitest.config.ts `setupFiles`), evaluated again for every test file, shared modules or not:
// what a test file leaves behind goes after it.
import { afterAll } from "vitest";
import { removeTempDirs } from "./temp-dir.js";

afterAll(removeTempDirs);
