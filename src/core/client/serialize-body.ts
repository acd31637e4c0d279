import type { OperationSpec } from "./operation-table.js";

/**
 * Request bodies that are not JSON, by the media type the spec gives: multipart parts (a part the spec
 * encodes with a media type becomes a named file, e.g. `persons.csv`) and form-urlencoded fields.
 * JSON bodies return undefined and keep openapi-fetch's own serializer.
 */
export function serializeBody(
  spec: OperationSpec,
  body: unknown,
): { body: FormData | URLSearchParams; headers: Record<string, string> } | undefined {
  if (body === undefined || body === null || typeof body !== "object") return undefined;
  const fields = Object.entries(body as Record<string, unknown>).filter(
    ([, value]) => value !== undefined,
  );
  if (spec.requestMediaType === "multipart/form-data") {
    const form = new FormData();
    for (const [name, value] of fields) {
      const fileType = spec.requestEncoding[name];
      if (fileType !== undefined) {
        const file = value instanceof Blob ? value : new Blob([String(value)], { type: fileType });
        form.append(name, file, `${name}.${fileType.split("/")[1] ?? "bin"}`);
      } else {
        form.append(name, String(value));
      }
    }
    // FormData sets its own Content-Type with the boundary.
    return { body: form, headers: {} };
  }
  if (spec.requestMediaType === "application/x-www-form-urlencoded") {
    const form = new URLSearchParams();
    for (const [name, value] of fields) form.append(name, String(value));
    return { body: form, headers: { "Content-Type": "application/x-www-form-urlencoded" } };
  }
  return undefined;
}
