// One uid twice in one FullStory batch, with other values: FullStory refuses one item and imports the other.
// Its errors list echoes the refused request item whole (VENDORS.md: "`user` is the original request item"),
// so the report must fail the record whose item FullStory echoed, not the first record with that uid.
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers, type FullStoryUser } from "../../src/fullstory/index.js";
import { json } from "../../src/testing/faults.js";
import { matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory } from "./harness.js";

const server = useMswServer();

const REFUSED: FullStoryUser = { uid: "u-1", display_name: "First", properties: { plan: "gold" } };
const KEPT: FullStoryUser = { uid: "u-1", display_name: "Second", properties: { plan: "pro" } };
/** The refused item as an echo may write it: the same item, its keys in another order. */
const REORDERED = { properties: { plan: "gold" }, display_name: "First", uid: "u-1" };
const refusalOf = (user: object) => ({
  message: "plan: value not allowed",
  code: "invalid_argument",
  user,
});

/**
 * FullStory's answers for a batch of `REFUSED` and `KEPT` in which it refused one item (a rule of its own) and
 * imported the other: the job FAILED (partial failure) with 1 import and 1 error; its imports list keeps the
 * entries `imported` lets through, its errors list is `errors`. Then the import of `records`.
 */
function importAnswered(
  records: readonly FullStoryUser[],
  imported: (at: number) => boolean,
  errors: readonly object[],
  counts: { imports: number; errors: number; status?: string; importsTotal?: number } = {
    imports: 1,
    errors: 1,
  },
) {
  mountFullStory(server, {
    faults: {
      script: ({ operation }) => {
        const rewrite = (edit: (body: Record<string, unknown>) => object) => ({
          after: async (answer: Response) =>
            answer.status === 200
              ? json(edit((await answer.json()) as Record<string, unknown>))
              : answer,
        });
        switch (operation) {
          case "getBatchImportStatus":
            return rewrite((body) => ({
              ...body,
              ...{ imports: counts.imports, errors: counts.errors },
              job: { ...(body["job"] as object), status: counts.status ?? "FAILED" },
            }));
          case "getBatchImports":
            return rewrite((body) => {
              const results = (body["results"] as object[]).filter((_, at) => imported(at));
              return { results, total_records: String(counts.importsTotal ?? results.length) };
            });
          case "getBatchImportErrors":
            return rewrite(() => ({ results: errors, total_records: String(counts.errors) }));
          default:
            return undefined;
        }
      },
    },
  });
  return importUsers(createFullStoryClient({ apiKey: API_KEY }), [...records], {
    pollIntervalMs: 10,
    maxPollIntervalMs: 20,
  });
}

describe("FullStory refuses one of two items with the same uid in one batch", () => {
  it.each([
    ["first, echoed as sent", [REFUSED, KEPT], REFUSED],
    ["second, echoed as sent", [KEPT, REFUSED], REFUSED],
    ["first, echoed with its keys in another order", [REFUSED, KEPT], REORDERED],
  ] as const)(
    "fails the record whose item the errors list echoes (%s), and imports the other",
    async (_, records, echo) => {
      const refused = records.indexOf(REFUSED);
      const report = await importAnswered(records, (at) => at !== refused, [refusalOf(echo)]);
      expect(report.total).toBe(2);
      expect(report.outcomes.find((o) => o.index === refused)).toMatchObject({
        outcome: "failed",
        code: "invalid_argument",
      });
      expect(report.outcomes.find((o) => o.index === 1 - refused)).toMatchObject({
        outcome: "imported",
      });
    },
  );
});

/** A record of the refused one's uid with an email: its uid, id and email are not the refused one's. */
const SIBLING: FullStoryUser = { ...KEPT, email: "second@example.com" };

describe("FullStory's errors list names the refused item twice, and its imports list leaves out the other", () => {
  it.each([
    ["with the same uid, id and email", KEPT],
    ["with the same uid and another email", SIBLING],
  ] as const)(
    "fails only the record whose item it echoes: the repeat is that record's entry again, not the other's (%s)",
    async (_, other) => {
      const refusal = refusalOf(REFUSED);
      const report = await importAnswered([REFUSED, other], () => false, [refusal, refusal]);
      expect(report.outcomes.find((o) => o.index === 0)).toMatchObject({
        outcome: "failed",
        code: "invalid_argument",
      });
      expect(report.outcomes.find((o) => o.index === 1)).not.toMatchObject({
        outcome: "failed",
        reason: "plan: value not allowed",
      });
      expect(report.events.unmatched_entries).toBe(1);
    },
  );
});

describe("FullStory's errors list echoes an item of a repeated uid as none of the records sent it", () => {
  it("reports neither record imported or refused on FullStory's word alone: which one it refused is unknown", async () => {
    // FullStory refused REFUSED and imported KEPT; its echo of REFUSED lost the properties.
    const echo = { uid: "u-1", display_name: "First" };
    const report = await importAnswered([REFUSED, KEPT], (at) => at !== 0, [refusalOf(echo)]);

    expect(report.total).toBe(2);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "invalid_argument",
        reason: matching(/which of them it refused is unknown.*the vendor may hold this record/),
      });
    }
  });
});

describe("one errors entry that names two records of a uid, beside a refusal of another record", () => {
  it("counts as one refusal: the other refusal, which the counts settle, does not say FullStory may hold it", async () => {
    const other: FullStoryUser = { uid: "u-2", display_name: "Other" };
    const last: FullStoryUser = { uid: "u-3", display_name: "Last" };
    const echo = { uid: "u-1", display_name: "First" };
    const report = await importAnswered(
      [REFUSED, KEPT, other, last],
      (at) => at === 1 || at === 3,
      [refusalOf(echo), refusalOf(other)],
      { imports: 2, errors: 2 },
    );

    expect(report.total).toBe(4);
    expect(report.outcomes[2]).toMatchObject({ outcome: "failed", code: "invalid_argument" });
    expect(report.outcomes[2]?.outcome === "failed" && report.outcomes[2].reason).not.toMatch(
      /may hold/,
    );
    expect(report.outcomes[3]).toMatchObject({ outcome: "imported" });
  });
});

describe("an errors entry that fails three records of a uid, none named exactly, in a COMPLETED job", () => {
  it("leaves the two it did not refuse to the imports count: a record no list names is not confirmed", async () => {
    const third: FullStoryUser = { uid: "u-1", display_name: "Third" };
    const other: FullStoryUser = { uid: "u-2", display_name: "Other" };
    const report = await importAnswered(
      [REFUSED, KEPT, third, other],
      () => false,
      [refusalOf({ uid: "u-1", display_name: "First" })],
      { imports: 2, errors: 1, status: "COMPLETED", importsTotal: 2 },
    );

    expect(report.total).toBe(4);
    expect(report.outcomes[3]).toMatchObject({
      outcome: "failed",
      code: "no_outcome",
      reason: matching(/2 failed on an errors entry that names them with another record/),
    });
  });
});

describe("an errors entry naming records of a uid none exactly, beside one that names a record of it exactly", () => {
  it("leaves the refusal named exactly FullStory's word, and fails the others as unknown", async () => {
    const third: FullStoryUser = { uid: "u-1", display_name: "Third" };
    const report = await importAnswered(
      [REFUSED, KEPT, third],
      () => false,
      [refusalOf(REFUSED), refusalOf({ uid: "u-1", display_name: "Nobody" })],
      { imports: 1, errors: 2 },
    );

    expect(report.total).toBe(3);
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      code: "invalid_argument",
      reason: "plan: value not allowed",
    });
    for (const outcome of report.outcomes.slice(1))
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "invalid_argument",
        reason: matching(/which of them it refused is unknown.*the vendor may hold this record/),
      });
  });
});

describe("one errors entry that names two records of a uid, beside a refusal the counts contradict", () => {
  it("counts as one refusal: with 3 of 4 counted imported, the other refusal says FullStory may hold it", async () => {
    const other: FullStoryUser = { uid: "u-2", display_name: "Other" };
    const last: FullStoryUser = { uid: "u-3", display_name: "Last" };
    const echo = { uid: "u-1", display_name: "First" };
    // Two refusals (one of them of either u-1 record) and three imports: five users of four.
    const report = await importAnswered(
      [REFUSED, KEPT, other, last],
      (at) => at === 1 || at === 3,
      [refusalOf(echo), refusalOf(other)],
      { imports: 3, errors: 2 },
    );

    expect(report.outcomes[2]).toMatchObject({
      outcome: "failed",
      code: "invalid_argument",
      reason: matching(
        /counts 3 of the chunk's 4 users .* imported, while its errors list refused 2/,
      ),
      vendorMayHold: true,
    });
  });
});

describe("two errors entries that each name the same records of a uid, none exactly", () => {
  it("says once of each record that which one FullStory refused is unknown", async () => {
    const report = await importAnswered(
      [REFUSED, KEPT],
      () => false,
      [
        refusalOf({ uid: "u-1", display_name: "First" }),
        refusalOf({ uid: "u-1", display_name: "Nobody" }),
      ],
      { imports: 0, errors: 2 },
    );

    expect(report.total).toBe(2);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({ outcome: "failed", code: "invalid_argument" });
      const reason = outcome.outcome === "failed" ? outcome.reason : "";
      expect(reason.match(/which of them it refused is unknown/g)).toHaveLength(1);
      expect(reason.match(/the vendor may hold this record/g)).toHaveLength(1);
    }
  });
});

describe("an errors entry naming two records of an id none exactly, one of which another entry refused", () => {
  it("keeps that record's own refusal, saying which one this entry refused is unknown", async () => {
    const first: FullStoryUser = { id: "fs-1", email: "a@example.com", display_name: "First" };
    const second: FullStoryUser = { id: "fs-1", email: "b@example.com", display_name: "Second" };
    // The first echo lost its id, so it names the first record by its email alone; the second lost its
    // email, so it names both by their id.
    const report = await importAnswered(
      [first, second],
      () => false,
      [
        {
          message: "email: domain refused",
          code: "invalid_argument",
          user: { email: "a@example.com" },
        },
        refusalOf({ id: "fs-1", display_name: "Nobody" }),
      ],
      { imports: 0, errors: 2 },
    );

    expect(report.total).toBe(2);
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      reason: matching(/^email: domain refused; .*which of them it refused is unknown/),
    });
    expect(report.outcomes[1]).toMatchObject({
      outcome: "failed",
      reason: matching(/^plan: value not allowed; .*which of them it refused is unknown/),
    });
  });
});
