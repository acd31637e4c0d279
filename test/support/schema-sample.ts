// Values generated from a spec's JSON Schemas, for contract cases beyond the documented examples: every
// required property, a random share of the optional ones, enums, formats, patterns, lengths and bounds.
// The caller checks each value against the schema with ajv (a sampler bug then fails loudly, not silently).
import type { Faker } from "@faker-js/faker";
import fc from "fast-check";
import type { Spec } from "./specs.js";

type Json = Record<string, unknown>;

/** Deeper than any response body of the specs; beyond it only required properties are filled. */
const OPTIONAL_DEPTH = 4;

export function sampleOf(spec: Spec, schema: unknown, f: Faker, depth = 0): unknown {
  let node = schema as Json | boolean | undefined;
  while (node !== null && typeof node === "object" && typeof node["$ref"] === "string") {
    node = spec.at(node["$ref"]) as Json;
  }
  if (node === true || node === undefined || node === null) return f.lorem.word();
  if (node === false) throw new Error("schema-sample: a `false` schema has no value");
  if ("const" in node) return node["const"];
  if (Array.isArray(node["enum"])) return f.helpers.arrayElement(node["enum"] as unknown[]);
  const parts = node["allOf"] as unknown[] | undefined;
  if (parts !== undefined) {
    // Every part describes the same object: a value of each, merged (their properties do not clash).
    return Object.assign({}, ...(parts.map((part) => sampleOf(spec, part, f, depth)) as object[]));
  }
  const alternatives = (node["oneOf"] ?? node["anyOf"]) as unknown[] | undefined;
  if (alternatives !== undefined)
    return sampleOf(spec, f.helpers.arrayElement(alternatives), f, depth);
  const type = typeOf(node, f);
  switch (type) {
    case "object":
      return objectOf(spec, node, f, depth);
    case "array": {
      const min = (node["minItems"] as number | undefined) ?? 0;
      const max = Math.min((node["maxItems"] as number | undefined) ?? min + 3, min + 3);
      return Array.from({ length: f.number.int({ min, max }) }, () =>
        sampleOf(spec, node["items"], f, depth + 1),
      );
    }
    case "string":
      return stringOf(node, f);
    case "integer":
      return f.number.int({
        min: (node["minimum"] as number | undefined) ?? 0,
        max: (node["maximum"] as number | undefined) ?? 100_000,
      });
    case "number":
      return f.number.float({
        min: (node["minimum"] as number | undefined) ?? 0,
        max: (node["maximum"] as number | undefined) ?? 100_000,
        fractionDigits: 2,
      });
    case "boolean":
      return f.datatype.boolean();
    case "null":
      return null;
    default:
      return f.lorem.word(); // no type stated: any JSON value is valid
  }
}

function typeOf(node: Json, f: Faker): string | undefined {
  const type = node["type"];
  if (Array.isArray(type)) {
    const concrete = type.filter((t) => t !== "null");
    return f.datatype.boolean(0.85) && concrete.length > 0
      ? (f.helpers.arrayElement(concrete) as string)
      : (f.helpers.arrayElement(type) as string);
  }
  if (typeof type === "string") return type;
  return node["properties"] !== undefined || node["required"] !== undefined ? "object" : undefined;
}

function objectOf(spec: Spec, node: Json, f: Faker, depth: number): Json {
  const properties = (node["properties"] ?? {}) as Json;
  const required = new Set((node["required"] ?? []) as string[]);
  const out: Json = {};
  for (const [name, schema] of Object.entries(properties)) {
    if (required.has(name) || (depth < OPTIONAL_DEPTH && f.datatype.boolean(0.6))) {
      out[name] = sampleOf(spec, schema, f, depth + 1);
    }
  }
  for (const name of required) {
    if (!(name in out)) out[name] = f.lorem.word(); // required without a declared schema
  }
  return out;
}

function stringOf(node: Json, f: Faker): string {
  const pattern = node["pattern"];
  if (typeof pattern === "string") {
    const [value] = fc.sample(fc.stringMatching(new RegExp(pattern)), {
      seed: f.number.int({ max: 2 ** 31 - 1 }),
      numRuns: 1,
    });
    return value!;
  }
  switch (node["format"]) {
    case "date-time":
      return f.date.recent().toISOString();
    case "uri":
      return f.internet.url();
    case "email":
      return f.internet.email();
    default: {
      const min = Math.max((node["minLength"] as number | undefined) ?? 1, 1);
      const max = Math.max(min, Math.min((node["maxLength"] as number | undefined) ?? 16, 16));
      return f.string.alphanumeric({ length: { min, max } });
    }
  }
}
