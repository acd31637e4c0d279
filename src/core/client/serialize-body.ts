import type { OperationSpec } from "./operation-table.js";

const encoder = new TextEncoder();

/** A body for openapi-fetch, and `duplex: "half"` for a Request made with it when it is a stream. */
export interface SerializedBody {
  readonly body: FormData | URLSearchParams | Uint8Array | ReadableStream<Uint8Array>;
  readonly headers: Record<string, string>;
  readonly duplex?: "half";
}

/**
 * A request body as the spec's media type wants it. Multipart parts that the spec encodes with a media type
 * become named files (e.g. `persons.csv`); form-urlencoded bodies become fields; JSON bodies become UTF-8
 * bytes of `serializedJson` when the caller already has the text (a chunk joined from per-record JSON), else
 * of `JSON.stringify(body)`. JSON is handed over as bytes so fetch does not scan and re-encode a string of many
 * megabytes; openapi-fetch still sets its `Content-Type: application/json`. With `streamed`, the bytes come
 * in a stream that gives them once (see {@link streamOnce}).
 */
export function serializeBody(
  spec: OperationSpec,
  body: unknown,
  serializedJson?: string,
  streamed = false,
): SerializedBody | undefined {
  if (body === undefined) return undefined;
  const multipart = spec.requestMediaType === "multipart/form-data";
  const urlencoded = spec.requestMediaType === "application/x-www-form-urlencoded";
  if (!multipart && !urlencoded) {
    const bytes = encoder.encode(serializedJson ?? JSON.stringify(body));
    return streamed
      ? { body: streamOnce(bytes), headers: {}, duplex: "half" }
      : { body: bytes, headers: {} };
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

/**
 * `bytes` as a stream that gives them, once, as one chunk, and then lets go of them. openapi-fetch holds what
 * a body serializer returns for the whole call, and a Request made from bytes holds a copy of them: handed
 * over as bytes, a FullStory batch of 10,000 users (2.7 MB) was held three times while a try of it was out
 * (these bytes, the copy the transport reads once for every try, the try's own); from this stream, twice.
 */
export function streamOnce(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let left: Uint8Array | undefined = bytes;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      // A Request made from empty bytes streams no chunk either.
      if (left !== undefined && left.byteLength > 0) controller.enqueue(left);
      left = undefined;
      controller.close();
    },
  });
}
