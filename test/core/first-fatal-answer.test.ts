// Two chunks in flight both meet a fatal answer: the report names the one that stopped the run, the first
// to arrive, and a later one does not replace it; each chunk's records keep their own answer's message.
import { describe, expect, it } from "vitest";
import type { ChunkResult } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import { ApiError } from "../../src/core/errors/api-error.js";
import { SecretSet } from "../../src/core/errors/secrets.js";
import { outcomesWith } from "../support/report.js";
import { testAdapter } from "../support/test-adapter.js";

type User = { id: string };

const refused = (status: number, message: string) =>
  ApiError.of(
    { status, body: { message }, headers: {} },
    { operation: "op", method: "POST", path: "/x" },
    new SecretSet(),
  );

describe("two fatal answers to chunks sent together", () => {
  it("report.fatal names the first answer; each chunk's records keep the message of their own", async () => {
    let releaseSecond = () => {};
    const secondMayAnswer = new Promise<void>((resolve) => (releaseSecond = resolve));
    const adapter = testAdapter<User>(async (chunk) => {
      if (chunk.keys[0] === "u0") {
        // Answered once the second chunk is out too, so that both were sent before either answer.
        setImmediate(releaseSecond);
        return { kind: "fatal", error: refused(401, "key revoked") } satisfies ChunkResult;
      }
      await secondMayAnswer;
      await new Promise((resolve) => setImmediate(resolve));
      return { kind: "fatal", error: refused(403, "account suspended") } satisfies ChunkResult;
    });

    const report = await runImport(adapter, [{ id: "u0" }, { id: "u1" }], {
      chunkRecords: 1,
      concurrency: 2,
    });

    expect(report.chunks.sent).toBe(2);
    expect(report.fatal).toMatch(/HTTP 401/);
    expect(report.fatal).toMatch(/key revoked/);
    const reasons = outcomesWith(report, "failed").map((o) => [o.key, o.code, o.reason]);
    expect(reasons).toEqual([
      ["u0", "fatal", expect.stringMatching(/key revoked/)],
      ["u1", "fatal", expect.stringMatching(/account suspended/)],
    ]);
  });
});
