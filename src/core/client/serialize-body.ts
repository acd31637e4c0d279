import type { OperationSpec } from "./operation-table.js";

const encoder = new TextEncoder();

/**
 * A request body as the spec's media type wants it. Multipart parts that the spec encodes with a media type
 * become named files (e.g. `persons.csv`); form-urlencoded bodies become fields; JSON bodies become UTF-8
 * bytes of `serializedJson` when the caller already has the text (a chunk joined from per-record JSON), else
 * of `JSON.stringify(body)`. JSON is handed over as bytes so fetch does not scan and re-encode a string of many
 * megabytes; openapi-fetch still sets its `Content-Type: application/json`.
 */
export function serializeBody(
  spec: OperationSpec,
  body: unknown,
  serializedJson?: string,
): { body: FormData | URLSearchParams | Uint8Array; headers: Record<string, string> } | undefined {
  if (body === undefined) return undefined;
  const multipart = spec.requestMediaType === "multipart/form-data";
  const urlencoded = spec.requestMediaType === "application/x-www-form-urlencoded";
  if (!multipart && !urlencoded) {
    return { body: encoder.encode(serializedJson ?? JSON.stringify(body)), headers: {} };
  }
  if (body === null || typeof body !== "object") return undefined;
  const fields = Object.entries(body as Record<string, unknown>).filter(
    ([, value]) => value !== undefined,
  );
  if (multipart) {
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
  const form = new URLSearchParams();
  for (const [name, value] of fields) form.append(name, String(value));
  return { body: form, headers: { "Content-Type": "application/x-www-form-urlencoded" } };
}
