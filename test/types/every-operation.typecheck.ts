// Compiled by `npm run check` (tsc), never run: for every operation of the four specs, the error union's
// `status` is exactly the spec's documented non-2xx statuses plus the transport variants, each documented
// status narrowing to its own body type, and the success side is exactly the documented 2xx statuses.
import { expectTypeOf } from "vitest";
import type { ApiResult } from "../../src/core/errors/result.js";
import type { operations as FullStory } from "../../generated/fullstory.js";
import type { operations as Propeller } from "../../generated/propeller.js";
import type { operations as SlashId } from "../../generated/slashid.js";
import type { operations as Userpilot } from "../../generated/userpilot.js";

type Transport =
  | "undocumented"
  | "malformed"
  | "network"
  | "timeout"
  | "aborted"
  | "auth"
  | "redirect"
  | "too_large";
type ErrorOf<Op> = Extract<ApiResult<Op>, { ok: false }>["error"];
type StatusOf<Op> = ErrorOf<Op>["status"];
type SuccessOf<Op> = Extract<ApiResult<Op>, { ok: true }>["status"];
/** The error variant of one documented status. */
type VariantOf<Op, S> = Extract<ErrorOf<Op>, { status: S }>;
/** The body type the spec gives documented status `S` (its first media type's schema). */
type SpecBody<Op, S extends number> = Op extends { responses: Record<S, { content: infer C }> }
  ? C[keyof C]
  : never;

type FullStoryErrors = 400 | 401 | 403 | 404 | 429 | 500 | 503 | Transport;

export function statuses(): void {
  expectTypeOf<StatusOf<FullStory["createBatchImport"]>>().toEqualTypeOf<FullStoryErrors>();
  expectTypeOf<StatusOf<FullStory["getBatchImportStatus"]>>().toEqualTypeOf<FullStoryErrors>();
  expectTypeOf<StatusOf<FullStory["getBatchImports"]>>().toEqualTypeOf<FullStoryErrors>();
  expectTypeOf<StatusOf<FullStory["getBatchImportErrors"]>>().toEqualTypeOf<FullStoryErrors>();
  expectTypeOf<StatusOf<FullStory["createUser"]>>().toEqualTypeOf<FullStoryErrors>();
  expectTypeOf<StatusOf<FullStory["getUser"]>>().toEqualTypeOf<FullStoryErrors>();
  expectTypeOf<StatusOf<FullStory["updateUser"]>>().toEqualTypeOf<FullStoryErrors>();
  expectTypeOf<SuccessOf<FullStory["getBatchImports"]>>().toEqualTypeOf<200 | 202>();
  expectTypeOf<SuccessOf<FullStory["getBatchImportErrors"]>>().toEqualTypeOf<200 | 202>();
  expectTypeOf<SuccessOf<FullStory["createBatchImport"]>>().toEqualTypeOf<200>();

  expectTypeOf<StatusOf<SlashId["getPersonsBulkImportTemplate"]>>().toEqualTypeOf<
    400 | 401 | 403 | Transport
  >();
  expectTypeOf<StatusOf<SlashId["bulkImportPersons"]>>().toEqualTypeOf<
    400 | 401 | 402 | 403 | Transport
  >();

  expectTypeOf<StatusOf<Propeller["bulkUsersBySourceId"]>>().toEqualTypeOf<
    400 | 401 | 403 | 404 | Transport
  >();
  expectTypeOf<StatusOf<Propeller["getAccessToken"]>>().toEqualTypeOf<400 | 401 | Transport>();

  type UserpilotWrite = 400 | 401 | 409 | 413 | 429 | 500 | 503 | Transport;
  expectTypeOf<StatusOf<Userpilot["bulkIdentifyUsers"]>>().toEqualTypeOf<UserpilotWrite>();
  expectTypeOf<StatusOf<Userpilot["bulkIdentifyCompanies"]>>().toEqualTypeOf<UserpilotWrite>();
  expectTypeOf<SuccessOf<Userpilot["bulkIdentifyUsers"]>>().toEqualTypeOf<202>();
  expectTypeOf<StatusOf<Userpilot["listBackgroundJobs"]>>().toEqualTypeOf<
    401 | 429 | 500 | 503 | Transport
  >();
  expectTypeOf<StatusOf<Userpilot["getBackgroundJob"]>>().toEqualTypeOf<
    401 | 404 | 429 | 500 | 503 | Transport
  >();
}

export function bodies(): void {
  type Token = Propeller["getAccessToken"];
  expectTypeOf<VariantOf<Token, 401>["body"]>().toEqualTypeOf<SpecBody<Token, 401>>();
  expectTypeOf<VariantOf<Token, 400>["body"]>().toEqualTypeOf<SpecBody<Token, 400>>();
  type Bulk = Propeller["bulkUsersBySourceId"];
  expectTypeOf<SpecBody<Bulk, 404>>().not.toBeNever();
  expectTypeOf<VariantOf<Bulk, 404>["body"]>().toEqualTypeOf<SpecBody<Bulk, 404>>();
  type Identify = Userpilot["bulkIdentifyUsers"];
  expectTypeOf<VariantOf<Identify, 413>["body"]>().toEqualTypeOf<SpecBody<Identify, 413>>();
  expectTypeOf<VariantOf<Identify, 409>["body"]>().toEqualTypeOf<SpecBody<Identify, 409>>();
  // Only a 429 carries the seconds of its Retry-After.
  expectTypeOf<VariantOf<Identify, 429>["retryAfter"]>().toEqualTypeOf<number | undefined>();
  expectTypeOf<VariantOf<Identify, 503>>().not.toHaveProperty("retryAfter");
  type Template = SlashId["getPersonsBulkImportTemplate"];
  expectTypeOf<Extract<ApiResult<Template>, { ok: true }>["data"]>().toEqualTypeOf<string>();
}
