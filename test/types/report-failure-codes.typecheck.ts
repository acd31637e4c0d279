// Compiled by `npm run check` (tsc), never run: a vendor import's report types each failed record's `code` as
// the vendor's union of failure codes, so a code the integrator writes against it that the import never gives
// is a compile error, and a `switch` on the code narrows. So does the outcome `onOutcome` gets, the path of
// an import at scale (`keepOutcomes: "none"`). A report the CLI reads back from a file stays `string`-coded:
// the file may hold any text.
import { expectTypeOf } from "vitest";
import {
  runImport,
  type EngineFailureCode,
  type ImportAdapter,
  type Importer,
  type ImportReport,
  type RecordOutcome,
  type VendorCode,
} from "../../src/index.js";
import { importUsers as importToFullStory } from "../../src/fullstory/index.js";
import type {
  FullStoryClient,
  FullStoryFailureCode,
  FullStoryImportOptions,
  FullStoryUser,
} from "../../src/fullstory/index.js";
import { importUsers as importToPropeller } from "../../src/propeller/index.js";
import type { PropellerFailureCode } from "../../src/propeller/index.js";
import { importUsers as importToSlashId } from "../../src/slashid/index.js";
import type { SlashIdClient, SlashIdFailureCode } from "../../src/slashid/index.js";
import { importUsers as importToUserpilot } from "../../src/userpilot/index.js";
import type { UserpilotFailureCode } from "../../src/userpilot/index.js";
import type { readReportFile } from "../../src/cli/report-file.js";

/** The `code` of a failed outcome of the report an import function's promise gives. */
type FailedCodeOf<F extends (...args: never[]) => Promise<ImportReport<string>>> = Extract<
  Awaited<ReturnType<F>>["outcomes"][number],
  { outcome: "failed" }
>["code"];

export function eachVendorsUnion(): void {
  expectTypeOf<FailedCodeOf<typeof importToFullStory>>().toEqualTypeOf<FullStoryFailureCode>();
  expectTypeOf<FailedCodeOf<typeof importToSlashId>>().toEqualTypeOf<SlashIdFailureCode>();
  expectTypeOf<FailedCodeOf<typeof importToPropeller>>().toEqualTypeOf<PropellerFailureCode>();
  expectTypeOf<FailedCodeOf<typeof importToUserpilot>>().toEqualTypeOf<UserpilotFailureCode>();
  // Whole reports, as an integrator names them.
  expectTypeOf(importToFullStory).returns.resolves.toEqualTypeOf<
    ImportReport<FullStoryFailureCode>
  >();
  expectTypeOf(importToSlashId).returns.resolves.toEqualTypeOf<ImportReport<SlashIdFailureCode>>();
  // A report read back from a file keeps `string`: no union vouches for what a file holds.
  expectTypeOf<FailedCodeOf<typeof readReportFile>>().toEqualTypeOf<string>();
}

/**
 * The codes an integrator sends again, written against each vendor's report: a code its import never gives
 * is refused. (A comparison, `o.code === "job_timout"`, is not: every union holds {@link VendorCode}, the
 * vendor's own codes and those a journal holds, which any text may be.)
 */
export function mistypedCodes(): void {
  type FullStoryCode = FailedCodeOf<typeof importToFullStory>;
  type SlashIdCode = FailedCodeOf<typeof importToSlashId>;
  type PropellerCode = FailedCodeOf<typeof importToPropeller>;
  type UserpilotCode = FailedCodeOf<typeof importToUserpilot>;
  // @ts-expect-error `job_timout`: FullStory's import gives `job_timeout`
  const fullstory: readonly FullStoryCode[] = ["job_timeout", "job_timout"];
  // @ts-expect-error `rejected_by_vendr`: SlashID's import gives `rejected_by_vendor`
  const slashid: readonly SlashIdCode[] = ["rejected_by_vendr", "import_unconfirmed"];
  // @ts-expect-error `no-outcome`: Propeller's import gives `no_outcome`
  const propeller: readonly PropellerCode[] = ["no-outcome"];
  // @ts-expect-error `abort`: the engine gives `aborted`
  const userpilot: readonly UserpilotCode[] = ["held_back", "abort"];
  void [fullstory, slashid, propeller, userpilot];
}

declare const fullstoryReport: Awaited<ReturnType<typeof importToFullStory>>;

/** What an integrator does with each of FullStory's failed records: a `switch` narrows the code. */
export function narrowing(): string[] {
  const actions: string[] = [];
  for (const o of fullstoryReport.outcomes) {
    if (o.outcome !== "failed") continue;
    switch (o.code) {
      case "job_timeout":
        // Or FullStory's own code of that text.
        expectTypeOf(o.code).toEqualTypeOf<"job_timeout" | VendorCode>();
        actions.push("re-run with the journal");
        break;
      case "fatal":
      case "aborted":
        expectTypeOf(o.code).toEqualTypeOf<"fatal" | "aborted" | VendorCode>();
        actions.push("see the report's fatal or aborted");
        break;
      default:
        // The rest of the union: the codes handled above are gone from it.
        expectTypeOf(o.code).toEqualTypeOf<
          Exclude<FullStoryFailureCode, "job_timeout" | "fatal" | "aborted">
        >();
        actions.push(o.code);
    }
  }
  return actions;
}

/** A custom adapter's own codes reach its report, with the engine's and those passed through as written. */
export async function customAdapter(
  adapter: ImportAdapter<{ id: string }, { id: string }, "refused" | "duplicate">,
): Promise<void> {
  const report = await runImport(adapter, [{ id: "a" }]);
  const failed = report.outcomes.find((o) => o.outcome === "failed");
  if (failed?.outcome !== "failed") return;
  expectTypeOf(failed.code).toEqualTypeOf<
    "refused" | "duplicate" | EngineFailureCode | VendorCode
  >();
}

/**
 * The `code` of a failed outcome that an import function's `onOutcome` option gets. Inferred: indexing
 * `Parameters<F>[2]` under a constraint on `F` resolves to `never`, which no assertion would tell apart.
 */
type OutcomeCodeOf<F> = F extends (
  client: never,
  records: never,
  options?: infer Options,
) => unknown
  ? NonNullable<Options> extends {
      onOutcome?: ((outcome: RecordOutcome<infer Code>) => void) | undefined;
    }
    ? Code
    : never
  : never;

export function onOutcomeCarriesEachVendorsUnion(): void {
  expectTypeOf<OutcomeCodeOf<typeof importToFullStory>>().toEqualTypeOf<FullStoryFailureCode>();
  expectTypeOf<OutcomeCodeOf<typeof importToSlashId>>().toEqualTypeOf<SlashIdFailureCode>();
  expectTypeOf<OutcomeCodeOf<typeof importToPropeller>>().toEqualTypeOf<PropellerFailureCode>();
  expectTypeOf<OutcomeCodeOf<typeof importToUserpilot>>().toEqualTypeOf<UserpilotFailureCode>();
}

declare const fullstoryClient: FullStoryClient;
declare const slashidClient: SlashIdClient;

/**
 * An import at scale, as an integrator writes it: outcomes streamed from `onOutcome`, none kept. The
 * callback's outcome narrows as the report's would, and a list of codes handled refuses one never given.
 */
export async function streamedOutcomes(): Promise<void> {
  await importToFullStory(fullstoryClient, [], {
    keepOutcomes: "none",
    onOutcome: (o) => {
      if (o.outcome !== "failed") return;
      expectTypeOf(o.code).toEqualTypeOf<FullStoryFailureCode>();
      // @ts-expect-error `job_timout`: FullStory's import gives `job_timeout`
      const retry: readonly (typeof o.code)[] = ["job_timeout", "job_timout"];
      void retry;
      if (o.code === "job_timeout")
        expectTypeOf(o.code).toEqualTypeOf<"job_timeout" | VendorCode>();
    },
  });
  // A callback written for any outcome (the CLI's report writer takes `RecordOutcome`) is still taken.
  const anyOutcome = (o: RecordOutcome): void => void o;
  await importToFullStory(fullstoryClient, [], { onOutcome: anyOutcome });
  await importToSlashId(slashidClient, [], { onOutcome: anyOutcome });
}

/** A custom adapter's own codes reach `onOutcome`, with the engine's and those passed through as written. */
export async function customAdapterOnOutcome(
  adapter: ImportAdapter<{ id: string }, { id: string }, "refused" | "duplicate">,
): Promise<void> {
  type Reported = "refused" | "duplicate" | EngineFailureCode | VendorCode;
  await runImport(adapter, [{ id: "a" }], {
    keepOutcomes: "none",
    onOutcome: (o) => {
      if (o.outcome !== "failed") return;
      expectTypeOf(o.code).toEqualTypeOf<Reported>();
      // @ts-expect-error `refuse`: the adapter gives `refused`
      const handled: readonly (typeof o.code)[] = ["refused", "refuse"];
      void handled;
    },
  });
  // A callback for any outcome neither is refused nor widens the report's codes.
  const report = await runImport(adapter, [{ id: "a" }], {
    onOutcome: (o: RecordOutcome) => void o,
  });
  expectTypeOf(report).toEqualTypeOf<ImportReport<Reported>>();
}

/**
 * `Importer` named with its three arguments, as an integrator wrote it before codes were typed (the type of
 * a vendor's `importUsers` taken as a dependency), still takes the vendor's options, and a stand-in that
 * returns a report of any codes (a test double) is still one: its report is `string`-coded by default.
 */
export function importerOfThreeArguments(report: ImportReport): void {
  const importer: Importer<FullStoryClient, FullStoryUser, FullStoryImportOptions> =
    importToFullStory;
  expectTypeOf(importer).returns.resolves.toEqualTypeOf<ImportReport>();
  const standIn: Importer<FullStoryClient, FullStoryUser, FullStoryImportOptions> = () =>
    Promise.resolve(report);
  void standIn;
}
