// What SlashID's validator reads of its record schemas, and a probe at each limit, for
// test/spec-keywords-read.test.ts (see test/support/spec-guard.ts); its test profile's `guard`.
import { checkSlashIdPerson } from "../../src/slashid/validate.js";
import { judged, num, a, extra, type Guard, type Json } from "../support/spec-guard.js";

const slashid = (r: Json) => judged(checkSlashIdPerson({ emails: ["a@b.c"], ...r }));
const bucket = (r: Json) => slashid({ attributes: { end_user_read_write: r } });

/** SlashID's spec guard. */
export const slashIdGuard: Guard = {
  roots: ["PersonCsvRow"],
  reads: {
    PersonCsvRow: "type:object additionalProperties not", // not: handle_required, by hand
    // A cell is built from its field: an empty list or object is left out, an empty value refused.
    "PersonCsvRow.properties.*": "type:string minLength",
    "PersonCsvRow.properties.slashid:region": "type:string minLength x-known-values", // warned
    "PersonCsvRow.properties.slashid:attributes": "type:string minLength contentMediaType",
    AttributeBuckets: "type:object x-known-values", // warned
    "AttributeBuckets.propertyNames": "minLength",
    "AttributeBuckets.additionalProperties": "type:object x-max-key-bytes x-max-value-bytes",
    // maxLength (characters) is read as x-max-key-bytes, equal today (its probe holds it).
    "AttributeBuckets.additionalProperties.propertyNames": "maxLength minLength",
  },
  probes: {
    "PersonCsvRow not": (_, d) => slashid(d ? { emails: undefined, groups: ["g"] } : {}),
    "PersonCsvRow additionalProperties": extra(slashid),
    "PersonCsvRow.properties.slashid:password minLength": (s, d) =>
      slashid({ password: a(num(s, "minLength") - d) }),
    "PersonCsvRow.properties.slashid:region x-known-values": (s, d) =>
      slashid({ region: d ? "mars" : (s["x-known-values"] as string[])[0] }),
    "AttributeBuckets x-known-values": (_, d) =>
      slashid({ attributes: { [d ? "mars" : "end_user_read_write"]: {} } }),
    "AttributeBuckets.additionalProperties x-max-key-bytes": (s, d) =>
      bucket({ [a(num(s, "x-max-key-bytes") + d)]: 1 }),
    "AttributeBuckets.additionalProperties x-max-value-bytes": (s, d) =>
      bucket({ k: a(num(s, "x-max-value-bytes") - 2 + d) }),
    "AttributeBuckets.additionalProperties.propertyNames maxLength": (s, d) =>
      bucket({ [a(num(s, "maxLength") + d)]: 1 }),
    "AttributeBuckets.additionalProperties.propertyNames minLength": (s, d) =>
      bucket({ [a(num(s, "minLength") - d)]: 1 }),
  },
};
