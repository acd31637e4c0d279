// A COMPLETED FullStory job whose result lists give, in `total_records`, other totals than its status counts:
// the imports list says it holds fewer imported users than the status counts, or the errors list says it
// holds failures the status does not count. FullStory documents both as the job's totals, so a user neither
// list names is confirmed imported only when every one of them leaves room for it.
import { describe, expect, it } from "vitest";
import { jobCount, unconfirmedImports } from "../../src/fullstory/job-counts.js";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import { json } from "../../src/testing/faults.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { mountFullStory, sendChunk } from "./harness.js";

const server = useMswServer();
const input: FullStoryUser[] = [{ uid: "u-0" }, { uid: "u-1" }, { uid: "u-2" }, { uid: "u-3" }];

/**
 * The chunk's outcomes from a FullStory that imports every user, counts 4 imports and no errors in its status,
 * leaves u-3 out of its imports list and answers `totals` as each list's `total_records` (one per page, for a
 * list of them), its lists cut in pages of `pageSize` users.
 */
async function outcomesOf(
  totals: { imports?: string | readonly string[]; errors?: string },
  pageSize?: number,
) {
  // The pages of each list answered so far: a list of totals gives each page its own.
  const pages = { imports: 0, errors: 0 };
  mountFullStory(server, {
    ...(pageSize !== undefined && { pageSize }),
    faults: {
      script: (call) => {
        const list =
          call.operation === "getBatchImports"
            ? "imports"
            : call.operation === "getBatchImportErrors"
              ? "errors"
              : undefined;
        if (list === undefined) return undefined;
        return {
          after: async (answer) => {
            if (answer.status !== 200) return answer;
            const page = (await answer.json()) as { results: { uid?: string }[] };
            const results =
              list === "imports" ? page.results.filter((user) => user.uid !== "u-3") : page.results;
            const given = totals[list];
            const total = typeof given === "object" ? given[pages[list]++] : given;
            return json({ ...page, results, ...(total !== undefined && { total_records: total }) });
          },
        };
      },
    },
  });
  return (await sendChunk(input)).outcomes;
}

describe("a user neither list names, after a COMPLETED job that counts it imported", () => {
  it("is imported when both lists' totals agree with the status", async () => {
    const outcomes = await outcomesOf({ imports: "4", errors: "0" });
    expect(outcomes[3]).toEqual({ ok: true });
  });

  it("fails no_outcome when the imports list's total_records counts only the users it lists", async () => {
    const outcomes = await outcomesOf({ imports: "3" });
    expect(outcomes[3]).toEqual({
      ok: false,
      code: "no_outcome",
      reason: matching(/its imports list's total_records says 3.*did not say what happened/),
      vendorMayHold: true,
      jobMayHold: true,
    });
    expect(outcomes.slice(0, 3).every((o) => o.ok)).toBe(true);
  });

  it("fails no_outcome when one page of the imports list gives a total of fewer users than another", async () => {
    const outcomes = await outcomesOf({ imports: ["3", "4"] }, 2);
    expect(outcomes[3]).toEqual({
      ok: false,
      code: "no_outcome",
      reason: matching(/its imports list's total_records says 3 to 4.*did not say what happened/),
      vendorMayHold: true,
      jobMayHold: true,
    });
    expect(outcomes.slice(0, 3).every((o) => o.ok)).toBe(true);
  });

  it("fails no_outcome when the errors list's total_records counts a failure it does not list", async () => {
    const outcomes = await outcomesOf({ errors: "1" });
    expect(outcomes[3]).toEqual({
      ok: false,
      code: "no_outcome",
      reason: matching(/its errors list's total_records says 1.*did not say what happened/),
      vendorMayHold: true,
      jobMayHold: true,
    });
  });
});

describe("unconfirmedImports with the lists' totals", () => {
  const tally = {
    size: 4,
    listedImports: 3,
    unlisted: 1,
    imports: jobCount(4, 4),
    errors: jobCount(0, 4),
  };

  it("takes the fewest imports any page's total gives", () => {
    expect(unconfirmedImports({ ...tally, importsTotals: { least: 3, most: 4 } })).toBe(
      [
        "COMPLETED with 4 of 4 users counted imported (0 counted failed), while its imports list's",
        "total_records says 3 to 4; its imports list gave 3, which leaves 0 of that count for the 1 user",
        "neither list names: FullStory did not say what happened to this user, whom neither of its lists names",
      ].join(" "),
    );
  });

  it("confirms nothing by an imports total above the chunk", () => {
    expect(unconfirmedImports({ ...tally, importsTotals: { least: 4, most: 9 } })).toMatch(
      /total_records says 4 to 9, more users than the chunk held, which confirms nothing/,
    );
  });

  it("confirms a user every count leaves room for", () => {
    const totals = { importsTotals: { least: 4, most: 4 }, errorsTotals: { least: 0, most: 0 } };
    expect(unconfirmedImports({ ...tally, ...totals })).toBeUndefined();
  });
});

describe("an imports list whose pages each give a total_records below the status's count", () => {
  it("is still read to its end: the status's larger count bounds its pages, and every user is placed", async () => {
    // Pages of one user, each saying the list holds 1: the status counts 6 imports.
    const six: FullStoryUser[] = Array.from({ length: 6 }, (_, i) => ({ uid: `p-${i}` }));
    mountFullStory(server, {
      pageSize: 1,
      faults: {
        script: (call) =>
          call.operation !== "getBatchImports"
            ? undefined
            : {
                after: async (answer) =>
                  answer.status !== 200
                    ? answer
                    : json({ ...((await answer.json()) as object), total_records: "1" }),
              },
      },
    });
    const { outcomes } = await sendChunk(six);
    expect(outcomes).toHaveLength(6);
    for (const outcome of outcomes) expect(outcome).toMatchObject({ ok: true, id: matching(/./) });
  });
});
