// A chunk split by a 413 whose halves Userpilot turned away (503) wrote nothing: a re-run stopped by a
// refusal before it sends the chunk again must not say Userpilot may hold its users.
import { expect, it } from "vitest";
import { userpilotError } from "../../src/testing/userpilot/errors.js";
import { journalFile } from "../support/journal-file.js";
import { bodyBytes, run, useUserpilot, users } from "./harness.js";

const vendor = useUserpilot();

it("413, both halves turned away, then a re-run refused with 401: no 'may hold' for users never written", async () => {
  const journal = journalFile("userpilot");
  const input = users(4);
  const busy = { answer: () => userpilotError(503, "unavailable", "busy") };
  // Chunk 0 (u-0, u-1) fits and is turned away; chunk 1 (u-2, u-3) is too large whole, each half turned away.
  const up = vendor({
    maxBytes: Math.max(bodyBytes(input.slice(2, 3)), bodyBytes(input.slice(3, 4))),
    faults: {
      script: async ({ operation, request }) => {
        if (operation !== "bulkIdentifyUsers") return undefined;
        const body = await request.clone().text();
        return body.includes('"u-2"') && body.includes('"u-3"') ? undefined : busy;
      },
    },
  });
  await run(input, { journal, chunkRecords: 2, chunkAttempts: 1 });
  expect(up.ofKind("POST").map((post) => post.status)).toContain(413);
  up.sim.setFaults({
    script: ({ operation }) =>
      operation === "bulkIdentifyUsers"
        ? { answer: () => userpilotError(401, "invalid_api_key") }
        : undefined,
  });
  const second = await run(input, { journal, chunkRecords: 2 });
  expect(up.sim.users()).toEqual([]);
  expect(second.outcomes.map((o) => o.outcome === "failed" && o.code)).toEqual(
    Array(4).fill("fatal"),
  );
  for (const outcome of second.outcomes)
    expect(outcome.outcome === "failed" && outcome.reason).not.toMatch(/may hold|sent its chunk/);
});

it("413, the first half turned away (503), the second refused with 401: the first half's users are not held", async () => {
  const input = users(4);
  const answer = (status: number, code: string) => ({
    answer: () => userpilotError(status, code, code),
  });
  // The chunk is too large whole; its first half (u-0, u-1) is turned away, its second (u-2, u-3) refused.
  const up = vendor({
    maxBytes: bodyBytes(input.slice(0, 2)),
    faults: {
      script: async ({ operation, request }) => {
        if (operation !== "bulkIdentifyUsers") return undefined;
        const body = await request.clone().text();
        if (body.includes('"u-0"') && body.includes('"u-2"')) return undefined;
        return body.includes('"u-0"') ? answer(503, "unavailable") : answer(401, "invalid_api_key");
      },
    },
  });
  const report = await run(input, { chunkRecords: 4, chunkAttempts: 1 });

  expect(up.ofKind("POST").map((post) => post.status)).toContain(413);
  expect(up.ofKind("POST").map((post) => post.status)).toContain(401);
  expect(up.sim.users()).toEqual([]);
  for (const outcome of report.outcomes) {
    expect(outcome.outcome).toBe("failed");
    expect(outcome.outcome === "failed" && outcome.reason).not.toMatch(/may hold|sent its chunk/);
    expect(outcome).not.toMatchObject({ vendorMayHold: true });
  }
});
