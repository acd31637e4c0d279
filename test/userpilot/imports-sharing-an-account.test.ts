// Two imports at once into one Userpilot account through two clients (two CI jobs, or a run started by hand
// while another runs): nothing in the job list says whose request made a job, so a lost request's search
// can take the other import's job of as many users and bytes for its own.
import { expect, it } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { importUsers } from "../../src/userpilot/import.js";
import { matching } from "../support/matchers.js";
import {
  client,
  dropAfter,
  expectTruthfulReport,
  useUserpilot,
  alike,
  turnTaking,
} from "./harness.js";

const vendor = useUserpilot();

const options = turnTaking;

it("a request that never arrived does not silently take the other import's job of as many bytes", async () => {
  const up = vendor({ pollsPerStep: 1 });
  let other: Promise<ImportReport> | undefined;
  let posts = 0;
  // The first import's request is lost on the way; the other import runs to its end meanwhile.
  up.sim.setFaults({
    script: async ({ operation }) => {
      if (operation !== "bulkIdentifyUsers" || ++posts !== 1) return undefined;
      other = importUsers(client(), alike("b", 5, "pre"), options);
      await other;
      return "drop";
    },
  });

  const report = await importUsers(client(), alike("a"), options);
  if (other === undefined) throw new Error("the other import never started");
  expectTruthfulReport(await other, up.sim);

  const held = new Set(up.sim.users().map((user) => user.user_id));
  const silent = report.outcomes.filter(
    (o) => o.outcome === "imported" && !held.has(o.key) && o.warning === undefined,
  );
  expect(silent, "users reported imported that Userpilot does not hold").toEqual([]);
  expect(report.outcomes[0]).toMatchObject({ warning: matching(/another process's job/) });
});

it("an import that is the account's sole importer (soleImporter) takes its lost request's job without a warning", async () => {
  const up = vendor({ pollsPerStep: 1 }, { bulkIdentifyUsers: { 1: dropAfter } });
  const report = await importUsers(client(), alike("a"), { ...options, soleImporter: true });
  expect(report.events["reconciled_jobs"]).toBe(1);
  expect(
    report.outcomes.filter((o) => o.outcome !== "imported" || o.warning !== undefined),
  ).toEqual([]);
  expectTruthfulReport(report, up.sim);
});
