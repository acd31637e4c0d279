// README "Import any number of users": the report keeps its outcomes in memory, one per record by default, so
// a large import keeps only `"problems"` (failed and rejected) or `"none"`, and takes each outcome through
// `onOutcome`, which sees every one whatever the report keeps. The counts stay whole either way.
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import type { ChunkResult } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import type { KeepOutcomes } from "../../src/core/engine/report-builder.js";
import type { RecordOutcome } from "../../src/core/engine/report.js";
import { testAdapter } from "../support/test-adapter.js";

interface User {
  id: string;
  valid: boolean;
}

/**
 * Six records: four imported (the last repeating the first's key, so imported with a warning), one the
 * vendor refuses, one rejected before sending.
 */
function input(): { users: User[]; refused: string; rejected: string; repeat: string } {
  const ids = faker.helpers.uniqueArray(() => faker.string.alphanumeric(12), 5);
  const [first, second, refused, rejected, third] = ids as [string, string, string, string, string];
  const users = [first, second, refused, rejected, third, first].map((id) => ({
    id,
    valid: id !== rejected,
  }));
  return { users, refused, rejected, repeat: first };
}

async function run(keepOutcomes: KeepOutcomes | undefined) {
  const { users, refused, rejected, repeat } = input();
  const adapter = testAdapter<User>(
    (chunk) =>
      Promise.resolve<ChunkResult>({
        kind: "done",
        outcomes: chunk.items.map((user) =>
          user.id === refused
            ? { ok: false, code: "refused", reason: "the vendor refused this user" }
            : { ok: true },
        ),
      }),
    {
      validate: (user) =>
        user.valid
          ? { ok: true, item: user }
          : { ok: false, problems: [{ rule: "test.invalid", message: "id: not valid" }] },
    },
  );
  const streamed: RecordOutcome[] = [];
  const report = await runImport(adapter, users, {
    ...(keepOutcomes !== undefined && { keepOutcomes }),
    onOutcome: (outcome) => void streamed.push(outcome),
  });
  return { report, streamed, refused, rejected, repeat };
}

const kept = (outcomes: readonly RecordOutcome[]) =>
  outcomes.map((o) => [o.index, o.outcome, o.outcome === "imported" && o.warning !== undefined]);

describe("keepOutcomes: what the report keeps, and what onOutcome sees", () => {
  it("keeps every outcome by default", async () => {
    const { report, streamed } = await run(undefined);
    expect(report.outcomes).toHaveLength(6);
    expect(kept(report.outcomes)).toEqual(kept([...streamed].sort((a, b) => a.index - b.index)));
  });

  it.each(["problems", "none"] as const)(
    "%s: the counts are whole, and onOutcome sees every record",
    async (keep) => {
      const { report, streamed } = await run(keep);
      expect(report).toMatchObject({ total: 6, imported: 4, warned: 1, failed: 1, rejected: 1 });
      expect(streamed.map((o) => o.index).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      expect(streamed.filter((o) => o.outcome === "imported" && o.warning !== undefined)).toEqual([
        expect.objectContaining({ index: 5 }),
      ]);
    },
  );

  it("problems: keeps the failed and rejected records only, not an import with a warning", async () => {
    const { report, refused, rejected } = await run("problems");
    expect(report.outcomes.map((o) => [o.key, o.outcome])).toEqual([
      [refused, "failed"],
      [rejected, "rejected"],
    ]);
  });

  it("none: keeps no outcome", async () => {
    const { report } = await run("none");
    expect(report.outcomes).toEqual([]);
  });
});
