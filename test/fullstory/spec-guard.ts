// What FullStory's validator reads of its record schemas, and a probe at each limit, for
// test/spec-keywords-read.test.ts (see test/support/spec-guard.ts); its test profile's `guard`.
import { checkFullStoryUser } from "../../src/fullstory/validate.js";
import {
  refused,
  num,
  first,
  a,
  keys,
  longer,
  extra,
  type Guard,
  type Json,
} from "../support/spec-guard.js";

const batch = (r: Json) => refused(checkFullStoryUser(r, "batch"));
const update = (r: Json) => refused(checkFullStoryUser(r, "update"));
const schemaOf = (path: string, type = "str") =>
  batch({ schema: { properties: { [path]: type } } });
const STRING = "?type:string ?maxLength";

/** FullStory's spec guard. */
export const fullStoryGuard: Guard = {
  roots: ["BatchUserImportRequest", "UpdateUserRequest"],
  reads: {
    BatchUserImportRequest: "type:object ?required",
    "BatchUserImportRequest.properties.id": "type:string",
    "BatchUserImportRequest.properties.*": STRING, // checkText, or documentedField for a new one
    "BatchUserImportRequest.properties.schema.anyOf.1": "type:null",
    UpdateUserRequest: "type:object additionalProperties ?required",
    "UpdateUserRequest.properties.*": STRING,
    // maxProperties is not read: x-max-leaf-properties counts each top-level key too (its probe holds it).
    UserProperties:
      "type:object maxProperties x-max-leaf-properties x-max-path-length x-max-value-bytes",
    "UserProperties.propertyNames": "pattern maxLength",
    UserSchema: "type:object",
    "UserSchema.properties.properties": "type:object",
    // maxLength is read as UserProperties' x-max-path-length, equal today (its probe holds it).
    "UserSchema.properties.properties.propertyNames": "pattern maxLength",
    SchemaType: "type:string enum",
  },
  probes: {
    "BatchUserImportRequest.properties.* maxLength": longer(batch),
    "UpdateUserRequest.properties.* maxLength": longer(update),
    "UpdateUserRequest additionalProperties": extra(update),
    "UserProperties maxProperties": (s, d) =>
      batch({ properties: keys(num(s, "maxProperties") + d) }),
    "UserProperties x-max-leaf-properties": (s, d) =>
      batch({ properties: { o: keys(num(s, "x-max-leaf-properties") + d) } }),
    "UserProperties x-max-path-length": (s, d) =>
      batch({ properties: { o: { [a(num(s, "x-max-path-length") - 2 + d)]: 1 } } }),
    "UserProperties x-max-value-bytes": (s, d) =>
      batch({ properties: { p: a(num(s, "x-max-value-bytes") + d) } }),
    "UserProperties.propertyNames pattern": (_, d) =>
      batch({ properties: { [d ? "1a" : "a1"]: 1 } }),
    "UserProperties.propertyNames maxLength": (s, d) =>
      batch({ properties: { [a(num(s, "maxLength") + d)]: 1 } }),
    "UserSchema.properties.properties.propertyNames pattern": (_, d) =>
      schemaOf(d ? "a..b" : "a.b"),
    "UserSchema.properties.properties.propertyNames maxLength": (s, d) =>
      schemaOf(a(num(s, "maxLength") + d)),
    "SchemaType enum": (s, d) => schemaOf("p", d ? "text" : first(s)),
  },
};
