// A record that breaks only an UNCONFIRMED rule is sent, and the report says what was unconfirmed about it:
// validation's `warnings` become the imported record's `warning`.
import { describe, expect, it } from "vitest";
import type { ImportAdapter } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";

interface TestUser {
  id: string;
  region?: string;
}

const adapter: ImportAdapter<TestUser> = {
  vendor: "test",
  replay: { by: "upsert", why: "the test vendor upserts" },
  limits: { maxRecords: 100 },
  defaults: { chunkRecords: 10, concurrency: 1 },
  scrub: (text) => text,
  keyOf: (user) => user.id,
  validate: (user) =>
    user.region === undefined || user.region === "us"
      ? { ok: true, item: user }
      : { ok: true, item: user, warnings: [`region: ${user.region} is not a documented region`] },
  send(chunk) {
    return Promise.resolve({
      kind: "done",
      outcomes: chunk.items.map(() => ({ ok: true, note: "vendor note" })),
    });
  },
};

describe("validation warnings", () => {
  it("sends a record with a warning and reports it as imported, with the warning", async () => {
    const report = await runImport(adapter, [
      { id: "a", region: "us" },
      { id: "b", region: "mars" },
    ]);
    expect(report.imported).toBe(2);
    expect(report.rejected).toBe(0);
    expect(report.outcomes[0]).toMatchObject({ outcome: "imported", warning: "vendor note" });
    expect(report.outcomes[1]).toMatchObject({
      outcome: "imported",
      warning: "region: mars is not a documented region; vendor note",
    });
  });

  it("says each of several warnings of one record, joined by '; '", async () => {
    const twice: ImportAdapter<TestUser> = {
      ...adapter,
      validate: (user) => ({
        ok: true,
        item: user,
        warnings: [`region: ${user.region} is not a documented region`, "id: not yet confirmed"],
      }),
    };
    const report = await runImport(twice, [{ id: "a", region: "mars" }]);
    expect(report.outcomes[0]).toMatchObject({
      outcome: "imported",
      warning: "region: mars is not a documented region; id: not yet confirmed; vendor note",
    });
  });

  it("keeps the duplicate-key warning alongside it", async () => {
    const report = await runImport(adapter, [{ id: "a" }, { id: "a", region: "mars" }]);
    const warning = report.outcomes[1]?.outcome === "imported" ? report.outcomes[1].warning : "";
    expect(warning).toMatch(
      /^record 0 of the input has the same key \(a\).*; region: mars .*; vendor note$/,
    );
  });
});
