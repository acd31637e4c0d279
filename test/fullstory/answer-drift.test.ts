// FullStory's answers drifting from its documentation without notice: a job status it does not name, and
// errors-list entries that are not the documented failure (`code` and `message` as text, the request item as
// `user`; the spec leaves `results` optional, so the client's answer check does not look at them). Neither
// may stop the import, nor settle a user on an answer whose meaning is unclear: the users stay unsettled,
// with a reason that names the odd answer.
import { describe, expect, it } from "vitest";
import { importUsers } from "../../src/fullstory/import.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { json, type ScriptAction } from "../../src/testing/faults.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { expectEveryRecordOnce } from "../support/report.js";
import { API_KEY, jobStatusAs, mountFullStory } from "./harness.js";

const server = useMswServer();

type Entry = Record<string, unknown>;

/** FullStory refuses u-1 and u-2; each errors entry is rewritten by `edit`. */
function drifting(edit: (entry: Entry) => unknown): void {
  mountFullStory(server, {
    faults: {
      reject: (key) => key === "uid:u-1" || key === "uid:u-2",
      script: (call): ScriptAction | undefined =>
        call.operation === "getBatchImportErrors"
          ? {
              after: async (answer) => {
                if (answer.status !== 200) return answer;
                const page = (await answer.json()) as { results?: Entry[] };
                return json({ ...page, results: (page.results ?? []).map(edit) });
              },
            }
          : undefined,
    },
  });
}

const run = () =>
  importUsers(
    createFullStoryClient({ apiKey: API_KEY, maxRetries: 0 }),
    [{ uid: "u-0" }, { uid: "u-1" }, { uid: "u-2" }],
    { sleep: async () => {}, pollIntervalMs: 1, replayDelayMs: 0, jobTimeoutMs: 100 },
  );

describe("a FullStory job status the spec does not name", () => {
  it("is polled as running, and the job_timeout reason names it", async () => {
    mountFullStory(server, { faults: { script: jobStatusAs("CANCELLED") } });
    const report = await run();

    expectEveryRecordOnce(report, 3);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "job_timeout",
        reason: matching(/last status was "CANCELLED", which FullStory does not document/),
      });
    }
  });
});

describe("a FullStory errors list whose entries are not failures as documented", () => {
  it.each([
    ["a number for code and message", { code: 7, message: 42 }, /code is a number/],
    ["null for code and message", { code: null, message: null }, /code is null/],
    ["a message that is an object", { message: { text: "bad" } }, /message is an object/],
  ])(
    "%s: the import goes on, and the users it may name stay unsettled",
    async (_name, odd, why) => {
      drifting((entry) => ({ ...entry, ...odd }));
      const report = await run();

      expectEveryRecordOnce(report, 3);
      expect(report.outcomes[0]).toMatchObject({ outcome: "imported" });
      for (const outcome of report.outcomes.slice(1)) {
        expect(outcome).toMatchObject({
          outcome: "failed",
          code: "results_incomplete",
          reason: matching(why),
        });
      }
    },
  );

  it("an entry whose request item was renamed refuses nobody", async () => {
    drifting(({ user, ...entry }) => ({ ...entry, request: user }));
    const report = await run();

    expectEveryRecordOnce(report, 3);
    for (const outcome of report.outcomes.slice(1)) {
      expect(outcome).toMatchObject({
        code: "results_incomplete",
        reason: matching(
          /stopped reading its errors list \(a page held a failure without its user,/,
        ),
      });
    }
  });
});
