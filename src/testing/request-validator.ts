import ajv2020 from "ajv/dist/2020.js";
import type { Ajv2020, ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// ajv is CommonJS, and Node's import sees a named export Ajv2020 in later 8.x releases only (not in
// 8.0.0, which the peer range ^8 admits); `default`, the class, is there in every one.
const { default: Ajv } = ajv2020;

/** Problems of a value against the schema at a pointer of a spec (`/path must …`), empty when valid. */
export function createRequestValidator(
  document: Record<string, unknown>,
): (pointer: string, value: unknown) => string[] {
  const ajv = createSpecAjv(document, "spec");
  const compiled = new Map<string, ValidateFunction>();
  return (pointer, value) => {
    const validate = compiled.get(pointer) ?? ajv.compile({ $ref: `spec${pointer}` });
    compiled.set(pointer, validate);
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`,
    );
  };
}

/**
 * An ajv for an OpenAPI 3.1 document (its schemas are JSON Schema 2020-12), added under `id`: every error,
 * ajv-formats, and OpenAPI's own formats, which carry no rule, accepted.
 */
export function createSpecAjv(document: Record<string, unknown>, id: string): Ajv2020 {
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS with a default export that NodeNext sees one level down.
  const plugin = (addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule;
  (plugin as (instance: Ajv2020) => void)(ajv);
  for (const format of ["int32", "int64", "float", "double", "binary", "byte", "password"])
    ajv.addFormat(format, true);
  ajv.addSchema(document, id);
  return ajv;
}
