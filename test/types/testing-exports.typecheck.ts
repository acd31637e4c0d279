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

export function views(): void {
  // Each simulator's stats() and jobs() items by name: the common counts, with the vendor's own.
  expectTypeOf<T.FullStorySimulatorStats>().toEqualTypeOf<
    ReturnType<T.FullStorySimulator["stats"]>
  >();
  expectTypeOf<T.FullStorySimulatorStats>().toExtend<T.SimulatorStats & { jobs: number }>();
  expectTypeOf<T.FullStoryJobView>().toEqualTypeOf<
    Element<ReturnType<T.FullStorySimulator["jobs"]>>
  >();
  expectTypeOf<T.UserpilotSimulatorStats>().toEqualTypeOf<
    ReturnType<T.UserpilotSimulator["stats"]>
  >();
  expectTypeOf<T.UserpilotSimulatorStats>().toExtend<T.SimulatorStats & { conflicts: number }>();
  expectTypeOf<T.UserpilotJobView>().toEqualTypeOf<
    Element<ReturnType<T.UserpilotSimulator["jobs"]>>
  >();
  expectTypeOf<T.SlashIdSimulatorStats>().toEqualTypeOf<ReturnType<T.SlashIdSimulator["stats"]>>();
  expectTypeOf<T.SimulatorStats>().toEqualTypeOf<ReturnType<T.PropellerSimulator["stats"]>>();
}
