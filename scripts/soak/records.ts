// Seeded soak records per vendor. Record i carries the key `soak-<i>` (as uid, first email, sourceId or
// user_id), so what a simulator stored can be matched back to the input by index; a few records break one
// of the vendor's rules on purpose, so the client's own rejections are exercised too.
import type { Faker } from "@faker-js/faker";
import type { FullStoryUser } from "../../src/fullstory/validate.js";
import type { PropellerUser } from "../../src/propeller/validate.js";
import { personFromCsvRow, type SlashIdPerson } from "../../src/slashid/records.js";
import type { UserpilotUser } from "../../src/userpilot/validate.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { fullStoryUser } from "../../src/testing/fixtures/fullstory.js";
import { propellerUser } from "../../src/testing/fixtures/propeller.js";
import { slashIdPerson } from "../../src/testing/fixtures/slashid.js";
import { userpilotUser } from "../../src/testing/fixtures/userpilot.js";

export type VendorName = "fullstory" | "slashid" | "propeller" | "userpilot";

/** Every `INVALID_EVERY`-th record breaks a rule of the vendor (0.2% of the input). */
export const INVALID_EVERY = 500;

export const keyOf = (index: number) => `soak-${index}`;

/** The index a stored key stands for, or undefined for a key the soak did not make. */
export function indexOf(key: string | undefined): number | undefined {
  const match = key === undefined ? null : /^soak-(\d+)$/.exec(key);
  return match === null ? undefined : Number(match[1]);
}

const invalid = (index: number) => index % INVALID_EVERY === INVALID_EVERY - 1;

function fullstory(f: Faker, i: number): FullStoryUser {
  // A FullStory `id` must name a user FullStory has: new users have none.
  const { id: _id, ...user } = fullStoryUser(f);
  return invalid(i)
    ? { ...user, uid: keyOf(i), properties: { "1st-choice": "property names start with a letter" } }
    : { ...user, uid: keyOf(i) };
}

function slashid(f: Faker, i: number): SlashIdPerson {
  // One handle per person, its key: persons sharing a handle would be merged by SlashID.
  const person = personFromCsvRow(slashIdPerson(f));
  return {
    ...person,
    emails: invalid(i) ? [`${keyOf(i)}@example.com`, "not-an-email"] : [`${keyOf(i)}@example.com`],
    phone_numbers: [],
    usernames: [],
  };
}

function propeller(f: Faker, i: number): PropellerUser {
  // A parent must already exist at Propeller: new users have none.
  const { parent: _parent, ...user } = propellerUser(f);
  return invalid(i)
    ? ({ ...user, sourceId: keyOf(i), gender: "X" } as unknown as PropellerUser)
    : { ...user, sourceId: keyOf(i) };
}

function userpilot(f: Faker, i: number): UserpilotUser {
  const user = userpilotUser(f);
  return invalid(i)
    ? ({
        ...user,
        user_id: keyOf(i),
        metadata: { plan: { nested: "objects are not metadata" } },
      } as unknown as UserpilotUser)
    : { ...user, user_id: keyOf(i) };
}

const MAKERS = { fullstory, slashid, propeller, userpilot } as const;

/** `count` seeded records for `vendor`, made as they are read. */
export function* soakRecords<V extends VendorName>(
  vendor: V,
  count: number,
  seed: number,
): Generator<ReturnType<(typeof MAKERS)[V]>> {
  const f = seededFaker(seed);
  const make = MAKERS[vendor] as (f: Faker, i: number) => ReturnType<(typeof MAKERS)[V]>;
  for (let i = 0; i < count; i++) yield make(f, i);
}
