// Compiled by `npm run check` (tsc), never run: what the simulators hand a test can be named from
// `bulk-user-import/testing` (src/testing/index.ts), beside the library's own types of the same vendor.
import { expectTypeOf } from "vitest";
import type { FullStoryUser } from "../../src/fullstory/index.js";
import type * as T from "../../src/testing/index.js";

type Element<List> = List extends readonly (infer Item)[] ? Item : never;

export function named(): void {
  // The stored user has a name of its own: a test importing both entries needs no alias.
  expectTypeOf<T.SimulatedFullStoryUser>().toEqualTypeOf<
    Element<ReturnType<T.FullStorySimulator["users"]>>
  >();
  expectTypeOf<T.SimulatedFullStoryUser>().not.toEqualTypeOf<FullStoryUser>();
}
