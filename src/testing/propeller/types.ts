// The Propeller simulator's public shapes: its options, what it stores and what it offers tests.
import type { components } from "../../../generated/propeller.js";
import type { FaultOptions } from "../faults.js";
import type { VendorSimulator } from "../simulator.js";

type BulkUser = components["schemas"]["BulkUser"];

export interface PropellerSimulatorOptions {
  /** The OAuth2 client id the token endpoint accepts. @default "sim-client" */
  clientId?: string;
  /** The OAuth2 client secret the token endpoint accepts. @default "sim-secret" */
  clientSecret?: string;
  /** Lifetime of issued tokens in seconds (`expires_in`). @default 1800 */
  expiresIn?: number;
  /** The clock tokens expire by, in ms. @default Date.now */
  now?: () => number;
  /** Path prefix the simulator serves under, e.g. `/propeller`. @default "" */
  basePath?: string;
  faults?: FaultOptions;
  /** Whether `faults` also hit `POST /oauth2/token`. @default true */
  tokenFaults?: boolean;
  /**
   * Most users per bulk request; more is a 400 (10007). @default unlimited: the vendor's limit is
   * UNCONFIRMED (a sibling endpoint allows 2,000).
   */
  maxUsers?: number;
  /**
   * Fields this tenant requires of every user beyond the spec's `source` and `sourceId`: a user without one
   * makes the request a 400 10007 (the vendor's own documented example requires `firstName`). @default none
   */
  requiredFields?: readonly string[];
  /** Parents (user groups) that exist before any import, for `parent` by id or by source + sourceId. */
  existingParents?: readonly { id: number; source?: string; sourceId?: string | number }[];
  /**
   * Names of the user attributes defined in Propeller. When given, a user setting another attribute fails
   * (per item). @default every attribute is defined
   */
  definedAttributes?: readonly string[];
}

/** An issued access token. */
export interface SimulatedToken {
  readonly token: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly revoked: boolean;
}

/** A user as the simulator stores it. */
export interface SimulatedPropellerUser {
  /** Propeller id, assigned on create (1000, 1001, …). */
  readonly id: number;
  readonly source: string;
  readonly sourceId: string | number;
  readonly primaryLanguage?: string;
  /** Every field written so far: a field left out of an update keeps its value. */
  readonly fields: Readonly<BulkUser>;
  /** Numbers (1-based) of the bulk requests that wrote the user, in order: the first one created it. */
  readonly requests: readonly number[];
}

export interface PropellerSimulator extends VendorSimulator {
  readonly vendor: "propeller";
  /** The users stored, in order of creation. */
  users(): SimulatedPropellerUser[];
  /** Every token issued, in order. */
  tokensIssued(): SimulatedToken[];
  /** Makes `token` invalid: the next call with it gets a 401. */
  revokeToken(token: string): void;
  /** Makes every issued token expired: the next call with any of them gets a 401. */
  expireAllTokens(): void;
  /** Replaces the fault options from now on (fault counts, attempt numbers and record verdicts are kept). */
  setFaults(faults: FaultOptions): void;
}
