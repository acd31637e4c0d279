// One harness per vendor for the contract suite: how to make its client (after msw listens), the
// credential each security scheme must carry, the auxiliary routes a call needs (Propeller's token
// endpoint), and a typed request builder per operation, made from the faker fixtures. Each vendor's is in
// its test profile (`contract`, from `test/<vendor>/contract-harness.ts`), built with ./harness-kit.ts.
import type { Faker } from "@faker-js/faker";
import type { HttpHandler } from "msw";
import type { OperationTable } from "../../src/core/client/operation-table.js";
import type { ApiError } from "../../src/core/errors/api-error.js";
import { VENDOR_NAMES } from "../../src/vendors.js";
import type { MockVendor, RouteFactory } from "../support/mock-vendor.js";
import type { Vendor } from "../support/specs.js";
import { VENDOR_PROFILES } from "../support/vendor-profiles.js";

/** What an operation method resolves to, loosely typed for calls chosen at run time. */
export type Outcome =
  | {
      readonly ok: true;
      readonly status: number;
      readonly data: unknown;
      readonly headers: Readonly<Record<string, string>>;
    }
  | {
      readonly ok: false;
      readonly error: ApiError & {
        readonly status: number | string;
        readonly body?: unknown;
        readonly retryAfter?: number | undefined;
        readonly headers?: Readonly<Record<string, string>>;
      };
    };
export type OperationCall = (init: unknown) => Promise<Outcome>;

export interface ClientSetup {
  readonly maxRetries: number;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface VendorSession {
  /** Everything secret the client holds or obtains; none may appear in an error. */
  readonly secrets: () => readonly string[];
  /** Routes the call needs besides the one under test. */
  readonly handlers: readonly HttpHandler[];
  /** Makes the client (call this after msw listens) and returns its operation methods by operationId. */
  readonly client: (setup: ClientSetup) => Readonly<Record<string, OperationCall | undefined>>;
}

/**
 * A request builder for each operation of `Operations`: from faker, the init its `Client` method takes.
 * Typed per operation, so a builder a spec change leaves behind no longer compiles.
 */
export type RequestBuilders<Client, Operations> = {
  [K in keyof Operations & keyof Client]: (
    f: Faker,
  ) => Client[K] extends (init: infer Init, ...rest: never[]) => unknown
    ? NonNullable<Init>
    : never;
};

export interface VendorHarness {
  readonly vendor: Vendor;
  readonly operations: OperationTable;
  readonly route: RouteFactory;
  /** Typed request builders by operationId. */
  readonly requests: Readonly<Record<string, ((f: Faker) => unknown) | undefined>>;
  /** Bearer auth from a token operation: a 401 elsewhere renews the token once and resends. */
  readonly bearer?: { readonly tokenOperationId: string };
  /** Sets the mock's credential checks and returns what one call needs. */
  start(f: Faker, mock: MockVendor, underTest: string): VendorSession;
}

/** Each vendor's harness, by name: its test profile's `contract`, so a vendor of src/vendors.ts has one. */
export const HARNESSES = Object.fromEntries(
  VENDOR_NAMES.map((vendor) => [vendor, VENDOR_PROFILES[vendor].contract]),
) as Readonly<Record<Vendor, VendorHarness>>;
