// Two imports at once through ONE client, one account, case by case on every vendor: what one import meets
// (its abort, a callback of its own that throws, a 401, lost answers, the vendor's limits on jobs at once)
// must not turn into a failure of the other, and a journal file both are given is refused to one, clearly.
import { describe, expect, it } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { vendorNamed, VENDOR_NAMES, type VendorName } from "../../src/vendors.js";
import { useSharedClientRunner, type SharedScenario } from "../support/shared-client.js";
import { VENDOR_PROFILES } from "../support/vendor-profiles.js";

const run = useSharedClientRunner();

const base = (vendor: VendorName): SharedScenario => ({
  seed: 7,
  sizes: [9, 9],
  overlap: 0,
  chunkRecords: 3,
  concurrency: VENDOR_PROFILES[vendor].truth.maxConcurrency,
  plan: {},
});

const reportOf = (settled: PromiseSettledResult<ImportReport>): ImportReport => {
  if (settled.status === "rejected") throw settled.reason;
  return settled.value;
};

/** Each write's first `n` calls (over both imports) are processed and their answers lost. */
const writesOf = (vendor: VendorName): readonly string[] => vendorNamed(vendor)?.writes ?? [];

const lostWrites = (vendor: VendorName, n: number) =>
  Object.fromEntries(
    writesOf(vendor).map((op) => [op, Array<"lost_answer">(n).fill("lost_answer")]),
  );

describe.each(VENDOR_NAMES)("%s: two imports through one client", (vendor) => {
  it.each([
    ["disjoint", 0],
    ["the same users", 9],
  ])("%s, no fault: every user of both imported", async (_, overlap) => {
    const { settled, problems } = await run(vendor, { ...base(vendor), overlap });
    expect(problems).toEqual([]);
    // SlashID refuses a person who exists (its simulator's default): the later import's, of the same users.
    const existing = (report: ImportReport) =>
      report.outcomes.filter((o) => o.outcome === "failed" && /already exists/.test(o.reason))
        .length;
    for (const report of settled.map(reportOf))
      expect(report.imported + (vendor === "slashid" ? existing(report) : 0)).toBe(9);
  });

  it.each([
    ["disjoint, without journals", 0, false],
    ["disjoint, each its own journal", 0, true],
    ["the same users, without journals", 9, false],
    ["the same users, each its own journal", 9, true],
  ])("%s, lost answers: each report is the truth", async (_, overlap, journals) => {
    const { problems } = await run(vendor, {
      ...base(vendor),
      overlap,
      journals,
      plan: lostWrites(vendor, 3),
    });
    expect(problems).toEqual([]);
  });

  it("the vendor's limits on work at once (FullStory's jobs) are waited out, not failed", async () => {
    const { settled, problems } = await run(vendor, { ...base(vendor), hard: true, variant: 0 });
    expect(problems).toEqual([]);
    if (vendor === "fullstory" || vendor === "userpilot")
      for (const report of settled.map(reportOf)) expect(report.failed).toBe(0);
  });

  it("one import aborted by its signal leaves the other to import every user", async () => {
    const controller = new AbortController();
    const { settled, problems } = await run(vendor, {
      ...base(vendor),
      disturbA: () => ({
        signal: controller.signal,
        onProgress: () => controller.abort(),
      }),
    });
    expect(problems).toEqual([]);
    expect(reportOf(settled[0]).aborted).toBe(true);
    expect(reportOf(settled[1])).toMatchObject({ imported: 9, failed: 0, aborted: false });
  });

  it("a callback of one import that throws leaves the other to import every user", async () => {
    const { settled, problems } = await run(vendor, {
      ...base(vendor),
      disturbA: () => ({
        onProgress: () => {
          throw new Error("integrator's bug");
        },
      }),
    });
    expect(problems).toEqual([]);
    expect(reportOf(settled[1])).toMatchObject({ imported: 9, failed: 0 });
  });

  it("a 401 to one import's first write stops that import only", async () => {
    const write = writesOf(vendor)[0] as string;
    const { settled, problems } = await run(vendor, {
      ...base(vendor),
      plan: { [write]: ["auth401"] },
    });
    expect(problems).toEqual([]);
    const reports = settled.map(reportOf);
    // Through an OAuth2 token (Propeller's), a 401 renews the token and sends again: neither stops.
    const stopped = reports.filter((r) => r.fatal !== undefined);
    expect(stopped).toHaveLength(vendor === "propeller" ? 0 : 1);
    expect(reports.filter((r) => r.imported === 9 && r.failed === 0)).toHaveLength(
      2 - stopped.length,
    );
  });

  it("one journal file given to both is refused to one, clearly; the other imports all", async () => {
    const { settled, problems } = await run(vendor, { ...base(vendor), sameJournal: true });
    expect(problems).toEqual([]);
    const refused = settled.filter((s) => s.status === "rejected");
    expect(refused).toHaveLength(1);
    expect(String((refused[0] as PromiseRejectedResult).reason)).toMatch(
      /JournalError: .*journal .*shared\.journal/,
    );
    const done = settled.find((s) => s.status === "fulfilled");
    expect(done?.value).toMatchObject({ imported: 9, failed: 0 });
  });
});

// Propeller's alone: the one vendor whose client renews a token.
it("propeller: one OAuth2 token for both imports: a 401 to both imports' writes at once renews it once", async () => {
  const { sim, settled, problems } = await run("propeller", {
    ...base("propeller"),
    concurrency: 1,
    plan: { bulkUsersBySourceId: ["auth401", "auth401"] },
  });
  expect(problems).toEqual([]);
  for (const report of settled.map(reportOf))
    expect(report).toMatchObject({ imported: 9, failed: 0 });
  const tokens = Object.entries(sim.stats().requests).filter(([route]) => /token/i.test(route));
  expect(tokens.map(([, n]) => n)).toEqual([2]);
});
