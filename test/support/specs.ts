// Reads the hand-authored specs for tests: their operations, documented responses and examples, and
// JSON Schema validators for any schema in them (OpenAPI 3.1 schemas are JSON Schema 2020-12).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Ajv2020, ValidateFunction } from "ajv/dist/2020.js";
import { createSpecAjv } from "../../src/testing/request-validator.js";
import { VENDOR_NAMES, type VendorName } from "../../src/vendors.js";
import { parse } from "yaml";

// The vendors of src/vendors.ts: a vendor added there is held to its spec here.
export const VENDORS = VENDOR_NAMES;
export type Vendor = VendorName;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;

type Json = Record<string, unknown>;

export interface Located<T = Json> {
  readonly pointer: string;
  readonly value: T;
}

export interface ExampleCase {
  readonly name: string;
  readonly value: unknown;
}

export interface DocumentedResponse {
  readonly status: string;
  readonly description: string;
  readonly mediaType: string | null;
  readonly schema: Located | null;
  readonly examples: ExampleCase[];
  readonly headers: { name: string; required: boolean; schema: Located | null; example: unknown }[];
}

export interface SpecOperation {
  readonly vendor: Vendor;
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly pointer: string;
  readonly operation: Json;
  readonly requestMediaType: string | null;
  readonly requestSchema: Located | null;
  readonly requestExamples: ExampleCase[];
  readonly parameters: Located[];
  readonly responses: DocumentedResponse[];
}

const escape = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");
const unescape = (key: string) => key.replace(/~1/g, "/").replace(/~0/g, "~");

export class Spec {
  readonly doc: Json;
  readonly #ajv: Ajv2020;
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(readonly vendor: Vendor) {
    this.doc = parse(readFileSync(path.join(root, "specs", `${vendor}.yaml`), "utf8")) as Json;
    this.#ajv = createSpecAjv(this.doc, vendor);
  }

  at(pointer: string): unknown {
    return pointer
      .replace(/^#\/?/, "")
      .split("/")
      .filter((part) => part !== "")
      .reduce<unknown>((node, key) => (node as Json | undefined)?.[unescape(key)], this.doc);
  }

  /** Follows `$ref`s of non-schema objects (responses, parameters, headers) to where they are defined. */
  resolve(pointer: string): Located {
    let current: Located = { pointer, value: this.at(pointer) as Json };
    while (typeof current.value?.["$ref"] === "string") {
      const target = current.value["$ref"];
      current = { pointer: target, value: this.at(target) as Json };
    }
    return current;
  }

  /** A validator for the schema at `pointer` (its `$ref`s resolve within the whole document). */
  validator(pointer: string): ValidateFunction {
    let validate = this.#validators.get(pointer);
    if (validate === undefined) {
      validate = this.#ajv.compile({ $ref: `${this.vendor}${pointer}` });
      this.#validators.set(pointer, validate);
    }
    return validate;
  }

  /** Validation errors of `value` against the schema at `pointer`, as readable lines (empty when valid). */
  problems(pointer: string, value: unknown): string[] {
    const validate = this.validator(pointer);
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`,
    );
  }

  operations(): SpecOperation[] {
    const out: SpecOperation[] = [];
    for (const [route, item] of Object.entries((this.doc["paths"] ?? {}) as Record<string, Json>)) {
      for (const method of METHODS) {
        const operation = item[method] as Json | undefined;
        if (operation === undefined) continue;
        const pointer = `#/paths/${escape(route)}/${method}`;
        out.push(this.#operation(route, method, pointer, operation, item));
      }
    }
    return out;
  }

  #operation(
    route: string,
    method: string,
    pointer: string,
    operation: Json,
    item: Json,
  ): SpecOperation {
    const body =
      operation["requestBody"] === undefined ? null : this.resolve(`${pointer}/requestBody`);
    const [requestMediaType] = Object.keys(body?.value["content"] ?? {});
    const mediaPointer =
      requestMediaType === undefined
        ? null
        : `${body!.pointer}/content/${escape(requestMediaType)}`;
    const parameters = [
      ...((item["parameters"] ?? []) as unknown[]).map((_, i) =>
        this.resolve(`#/paths/${escape(route)}/parameters/${i}`),
      ),
      ...((operation["parameters"] ?? []) as unknown[]).map((_, i) =>
        this.resolve(`${pointer}/parameters/${i}`),
      ),
    ];
    return {
      vendor: this.vendor,
      operationId: String(operation["operationId"]),
      method: method.toUpperCase(),
      path: route,
      pointer,
      operation,
      requestMediaType: requestMediaType ?? null,
      requestSchema: mediaPointer === null ? null : this.#schemaAt(`${mediaPointer}/schema`),
      requestExamples: mediaPointer === null ? [] : this.#examples(mediaPointer),
      parameters,
      responses: Object.keys((operation["responses"] ?? {}) as Json).map((status) =>
        this.#response(status, this.resolve(`${pointer}/responses/${status}`)),
      ),
    };
  }

  #response(status: string, response: Located): DocumentedResponse {
    const [mediaType] = Object.keys(response.value["content"] ?? {});
    const mediaPointer =
      mediaType === undefined ? null : `${response.pointer}/content/${escape(mediaType)}`;
    const headers = Object.keys((response.value["headers"] ?? {}) as Json).map((name) => {
      const header = this.resolve(`${response.pointer}/headers/${escape(name)}`);
      return {
        name,
        required: header.value["required"] === true,
        schema:
          header.value["schema"] === undefined ? null : this.#schemaAt(`${header.pointer}/schema`),
        example:
          header.value["example"] ?? (header.value["schema"] as Json | undefined)?.["example"],
      };
    });
    return {
      status,
      description:
        typeof response.value["description"] === "string" ? response.value["description"] : "",
      mediaType: mediaType ?? null,
      schema: mediaPointer === null ? null : this.#schemaAt(`${mediaPointer}/schema`),
      examples: mediaPointer === null ? [] : this.#examples(mediaPointer),
      headers,
    };
  }

  #schemaAt(pointer: string): Located | null {
    const value = this.at(pointer) as Json | undefined;
    return value === undefined ? null : { pointer, value };
  }

  #examples(mediaPointer: string): ExampleCase[] {
    const media = this.at(mediaPointer) as Json;
    const examples = Object.entries((media["examples"] ?? {}) as Record<string, Json>).map(
      ([name, ex]) => ({
        name,
        value: (typeof ex["$ref"] === "string" ? (this.at(ex["$ref"]) as Json) : ex)["value"],
      }),
    );
    if ("example" in media) examples.push({ name: "example", value: media["example"] });
    return examples;
  }
}

const cache = new Map<Vendor, Spec>();
export function loadSpec(vendor: Vendor): Spec {
  let spec = cache.get(vendor);
  if (spec === undefined) {
    spec = new Spec(vendor);
    cache.set(vendor, spec);
  }
  return spec;
}
