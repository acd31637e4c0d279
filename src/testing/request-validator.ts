import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

/**
 * Validates request bodies against a spec's own JSON Schemas (OpenAPI 3.1 schemas are JSON Schema
 * 2020-12), so a simulator refuses what the vendor would refuse. Returns readable problems, empty when valid.
 */
export function createRequestValidator(
  document: Record<string, unknown>,
): (pointer: string, value: unknown) => string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const plugin = (addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule;
  (plugin as (instance: Ajv2020) => void)(ajv);
  for (const format of ["int32", "int64", "float", "double", "binary", "byte", "password"])
    ajv.addFormat(format, true);
  ajv.addSchema(document, "spec");
  const compiled = new Map<string, ValidateFunction>();
  return (pointer, value) => {
    let validate = compiled.get(pointer);
    if (validate === undefined) {
      validate = ajv.compile({ $ref: `spec${pointer}` });
      compiled.set(pointer, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`,
    );
  };
}
