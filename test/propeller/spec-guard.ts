// What Propeller's validator reads of its record schemas, and a probe at each limit, for
// test/spec-keywords-read.test.ts (see test/support/spec-guard.ts); its test profile's `guard`.
import { validatePropellerUser } from "../../src/propeller/validate.js";
import {
  refused,
  longer,
  shorter,
  outside,
  extra,
  type Guard,
  type Json,
} from "../support/spec-guard.js";

const propeller = (r: Json) => refused(validatePropellerUser({ source: "s", sourceId: "1", ...r }));
const ADDRESS = { type: "delivery", street: "s", city: "c", country: "NL" };
const address = (r: Json) => propeller({ addresses: [{ ...ADDRESS, ...r }] });
const attribute = (r: Json) => propeller({ attributes: [{ name: "n", value: 1, ...r }] });
// checkScalar reads these of every field without its own case; another shape it refuses, never sends.
const SCALAR =
  "?type:string ?type:integer ?type:number ?type:boolean ?type:string|integer ?enum ?pattern";
const SCALAR_FIELD = `${SCALAR} ?minLength ?maxLength`;

/** Propeller's spec guard. */
export const propellerGuard: Guard = {
  roots: ["BulkUser"],
  reads: {
    BulkUser: "type:object required additionalProperties",
    "BulkUser.properties.source": "type:string",
    "BulkUser.properties.sourceId": "type:string|integer", // checkId: both, by hand
    "BulkUser.properties.debtorId": "type:string|integer",
    "BulkUser.properties.gender": "type:string enum",
    "BulkUser.properties.primaryLanguage": "type:string ?pattern",
    "BulkUser.properties.language": "type:string ?pattern",
    "BulkUser.properties.attributes": "type:array",
    "BulkUser.properties.addresses": "type:array",
    "BulkUser.properties.*": SCALAR_FIELD,
    // checkParent states both forms by hand.
    "ParentRef.oneOf.*": "type:object required additionalProperties",
    "ParentRef.oneOf.0.properties.id": "type:integer",
    "ParentRef.oneOf.1.properties.source": "type:string",
    "ParentRef.oneOf.1.properties.sourceId": "type:string|integer",
    UserAttributeValue: "type:object required additionalProperties",
    "UserAttributeValue.properties.name": "type:string minLength ?pattern",
    "UserAttributeValue.properties.value": "type:string|number|boolean|array", // isAttributeValue
    "UserAttributeValue.properties.value.items": "type:string|number",
    "UserAttributeValue.properties.class": "type:string enum",
    "UserAttributeValue.properties.*": SCALAR_FIELD,
    Address: "type:object required additionalProperties",
    "Address.properties.type": "type:string enum",
    "Address.properties.country": "type:string pattern",
    "Address.properties.icp": "type:string enum",
    "Address.properties.isDefault": "type:string enum",
    "Address.properties.*": SCALAR_FIELD,
  },
  probes: {
    "BulkUser required": (s, d) =>
      propeller(d ? { [(s["required"] as string[])[0]!]: undefined } : {}),
    "BulkUser additionalProperties": extra(propeller),
    "BulkUser.properties.* maxLength": longer(propeller),
    "Address.properties.* maxLength": longer(address),
    "BulkUser.properties.* enum": outside(propeller),
    "UserAttributeValue.properties.* enum": outside(attribute),
    "UserAttributeValue.properties.name minLength": shorter(attribute),
    "Address.properties.* enum": outside(address),
    "Address.properties.country pattern": (_, d) => address({ country: d ? "NLD" : "NL" }),
  },
};
