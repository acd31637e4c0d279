// Checks one HTTP request against its operation in the spec: path, query and header parameters, the
// security scheme's credentials, the Content-Type and the body (JSON, form-urlencoded or multipart), down
// into string fields that carry another media type (`contentMediaType` + `contentSchema`, e.g. a CSV file
// part whose rows are objects, or a JSON-encoded CSV cell). Returns readable violations, empty when the
// request conforms.
import { parse } from "csv-parse/sync";
import type { Spec, SpecOperation } from "./specs.js";

type Json = Record<string, unknown>;

/** Checks the credential value a security scheme carries; returns a violation, or undefined when fine. */
export type CredentialCheck = (request: Request) => string | undefined;

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === "object" && !Array.isArray(value);
const escapePointer = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const essence = (contentType: string | null) =>
  (contentType ?? "").split(";")[0]!.trim().toLowerCase();
const isJsonMedia = (mediaType: string) => /[/+]json$/i.test(mediaType);

export async function requestViolations(
  spec: Spec,
  op: SpecOperation,
  request: Request,
  credentials: Readonly<Record<string, CredentialCheck>>,
): Promise<string[]> {
  const out: string[] = [];
  const url = new URL(request.url);
  if (request.method !== op.method) out.push(`method ${request.method}, expected ${op.method}`);
  checkParameters(spec, op, url, request.headers, out);
  checkSecurity(spec, op, request, credentials, out);
  await checkBody(spec, op, request, out);
  return out;
}

function schemaTypes(spec: Spec, pointer: string): string[] {
  const schema = spec.resolve(pointer).value ?? {};
  const type = schema["type"];
  return Array.isArray(type) ? type.map(String) : typeof type === "string" ? [type] : [];
}

/** A parameter arrives as text; read it as the JSON value its schema describes before validating. */
function coerce(spec: Spec, pointer: string, raw: string): unknown {
  const types = schemaTypes(spec, pointer);
  if (types.includes("string")) return raw;
  if (types.includes("boolean") && (raw === "true" || raw === "false")) return raw === "true";
  if ((types.includes("integer") || types.includes("number")) && /^-?\d+(\.\d+)?$/.test(raw)) {
    return Number(raw);
  }
  return raw;
}

function checkParameters(spec: Spec, op: SpecOperation, url: URL, headers: Headers, out: string[]) {
  // Operation-level parameters override path-level ones with the same name and location.
  const byKey = new Map<string, { pointer: string; value: Json }>();
  for (const param of op.parameters) {
    byKey.set(`${String(param.value["in"])}:${String(param.value["name"])}`, param);
  }
  const params = [...byKey.values()];

  const names: string[] = [];
  const pattern = op.path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const match = /^\{([^}]+)\}$/.exec(part);
      if (match === null) return escapeRegExp(part);
      names.push(match[1]!);
      return "([^/]+)";
    })
    .join("");
  const matched = new RegExp(`^${pattern}$`).exec(url.pathname);
  if (matched === null) out.push(`path ${url.pathname} does not match ${op.path}`);
  const rawPath = new Map(names.map((name, i) => [name, matched?.[i + 1]]));

  for (const param of params) {
    const name = String(param.value["name"]);
    const location = String(param.value["in"]);
    const required = param.value["required"] === true || location === "path";
    const schemaPointer = `${param.pointer}/schema`;
    let values: string[];
    if (location === "path") {
      const raw = rawPath.get(name);
      if (raw === undefined) {
        if (matched !== null) out.push(`path parameter ${name} is not in the path template`);
        continue;
      }
      let decoded: string;
      try {
        decoded = decodeURIComponent(raw);
      } catch {
        out.push(`path parameter ${name} (${raw}) is not valid percent-encoding`);
        continue;
      }
      // Simple-style expansion: reserved characters (":", "/", "?", "#", "=", …) are percent-encoded.
      if (raw !== encodeURIComponent(decoded)) {
        out.push(`path parameter ${name} is not percent-encoded: ${raw}`);
      }
      values = [decoded];
    } else if (location === "query") {
      values = url.searchParams.getAll(name);
    } else if (location === "header") {
      const value = headers.get(name);
      values = value === null ? [] : [value];
    } else {
      continue; // cookies: none of the specs uses them
    }
    if (values.length === 0) {
      if (required) out.push(`required ${location} parameter ${name} is missing`);
      continue;
    }
    if (values.length > 1 && !schemaTypes(spec, schemaPointer).includes("array")) {
      out.push(`${location} parameter ${name} is sent ${values.length} times`);
    }
    for (const raw of values) {
      for (const problem of spec.problems(schemaPointer, coerce(spec, schemaPointer, raw))) {
        out.push(`${location} parameter ${name}=${JSON.stringify(raw)}: ${problem}`);
      }
    }
  }

  const documentedQuery = new Set(
    params.filter((p) => p.value["in"] === "query").map((p) => String(p.value["name"])),
  );
  for (const key of new Set(url.searchParams.keys())) {
    if (!documentedQuery.has(key)) out.push(`query parameter ${key} is not documented`);
  }
}

function checkSecurity(
  spec: Spec,
  op: SpecOperation,
  request: Request,
  credentials: Readonly<Record<string, CredentialCheck>>,
  out: string[],
) {
  const requirements = (op.operation["security"] ?? spec.doc["security"] ?? []) as Json[];
  if (requirements.length === 0) return;
  const failures: string[][] = requirements.map((requirement) =>
    Object.keys(requirement).flatMap((schemeName) => {
      const scheme = spec.resolve(
        `#/components/securitySchemes/${escapePointer(schemeName)}`,
      ).value;
      if (!isObject(scheme)) return [`security scheme ${schemeName} is not defined`];
      const problems: string[] = [];
      const type = String(scheme["type"]);
      if (type === "apiKey") {
        const name = String(scheme["name"]);
        const where = String(scheme["in"]);
        const present =
          where === "header"
            ? request.headers.get(name)
            : where === "query"
              ? new URL(request.url).searchParams.get(name)
              : null;
        if (present === null || present === "")
          problems.push(`${where} ${name} (${schemeName}) is missing`);
      } else {
        const authorization = request.headers.get("authorization") ?? "";
        const prefix =
          type === "http" && String(scheme["scheme"]).toLowerCase() === "basic"
            ? "Basic "
            : "Bearer ";
        if (!authorization.startsWith(prefix)) {
          problems.push(`Authorization: ${prefix}… (${schemeName}) is missing`);
        }
      }
      const check = credentials[schemeName];
      if (check === undefined)
        problems.push(`no credential check for security scheme ${schemeName}`);
      else if (problems.length === 0) {
        const problem = check(request);
        if (problem !== undefined) problems.push(`${schemeName}: ${problem}`);
      }
      return problems;
    }),
  );
  if (failures.some((problems) => problems.length === 0)) return;
  out.push(...(failures[0] ?? []));
}

async function checkBody(spec: Spec, op: SpecOperation, request: Request, out: string[]) {
  const bytes = request.body === null ? new ArrayBuffer(0) : await request.arrayBuffer();
  const contentType = request.headers.get("content-type");
  if (op.requestMediaType === null || op.requestSchema === null) {
    if (bytes.byteLength > 0) out.push("sends a body, but the operation documents none");
    return;
  }
  const requestBody = spec.resolve(`${op.pointer}/requestBody`);
  if (bytes.byteLength === 0) {
    if (requestBody.value["required"] === true) out.push("the required request body is missing");
    return;
  }
  const mediaType = op.requestMediaType.toLowerCase();
  if (essence(contentType) !== mediaType) {
    out.push(`Content-Type ${contentType ?? "(none)"}, expected ${op.requestMediaType}`);
    return;
  }
  const text = new TextDecoder().decode(bytes);
  let value: unknown;
  if (isJsonMedia(mediaType)) {
    try {
      value = JSON.parse(text);
    } catch {
      out.push("body is not valid JSON");
      return;
    }
  } else if (mediaType === "application/x-www-form-urlencoded") {
    const form = new URLSearchParams(text);
    const fields: Json = {};
    for (const [name, field] of form) {
      if (name in fields) out.push(`form field ${name} is sent more than once`);
      fields[name] = field;
    }
    value = fields;
  } else if (mediaType === "multipart/form-data") {
    const parsed = await multipartFields(
      requestBody,
      op.requestMediaType,
      contentType!,
      bytes,
      out,
    );
    if (parsed === undefined) return;
    value = parsed;
  } else {
    out.push(`no conformance rule for request media type ${op.requestMediaType}`);
    return;
  }
  for (const problem of spec.problems(op.requestSchema.pointer, value)) out.push(`body ${problem}`);
  contentProblems(spec, op.requestSchema.pointer, value, "body", out);
}

/** The multipart parts as an object of strings; file parts must be files of their documented encoding. */
async function multipartFields(
  requestBody: { value: Json },
  mediaType: string,
  contentType: string,
  bytes: ArrayBuffer,
  out: string[],
): Promise<Json | undefined> {
  if (!/;\s*boundary=/i.test(contentType)) {
    out.push(`Content-Type ${contentType} has no boundary`);
    return undefined;
  }
  let form: FormData;
  try {
    form = await new Response(bytes, { headers: { "Content-Type": contentType } }).formData();
  } catch (error) {
    out.push(`multipart body does not parse: ${String(error)}`);
    return undefined;
  }
  const content = requestBody.value["content"] as Json;
  const media = (content[mediaType] ?? {}) as Json;
  const encoding = (media["encoding"] ?? {}) as Record<string, Json>;
  const fields: Json = {};
  for (const name of new Set(form.keys())) {
    const parts = form.getAll(name);
    if (parts.length > 1) out.push(`multipart part ${name} is sent ${parts.length} times`);
    const part = parts[0]!;
    const expected = encoding[name]?.["contentType"];
    if (typeof part === "string") {
      if (typeof expected === "string") out.push(`multipart part ${name} is not a file`);
      fields[name] = part;
      continue;
    }
    if (typeof expected === "string" && essence(part.type) !== expected.toLowerCase()) {
      out.push(`multipart part ${name} has type ${part.type || "(none)"}, expected ${expected}`);
    }
    if (part.name === "") out.push(`multipart part ${name} has no file name`);
    fields[name] = await part.text();
  }
  return fields;
}

/**
 * Validates string values that carry another media type (`contentMediaType` with a `contentSchema`):
 * decodes them (CSV into header-keyed rows, JSON) and validates the result, recursively.
 */
export function contentProblems(
  spec: Spec,
  pointer: string,
  value: unknown,
  where: string,
  out: string[],
): void {
  const schema = spec.resolve(pointer);
  if (!isObject(schema.value)) return;
  if (Array.isArray(value)) {
    if (isObject(schema.value["items"])) {
      value.forEach((item, i) =>
        contentProblems(spec, `${schema.pointer}/items`, item, `${where}/${i}`, out),
      );
    }
    return;
  }
  if (!isObject(value) || !isObject(schema.value["properties"])) return;
  const properties = schema.value["properties"];
  for (const [key, item] of Object.entries(value)) {
    if (!(key in properties)) continue;
    const propertyPointer = `${schema.pointer}/properties/${escapePointer(key)}`;
    const property = spec.resolve(propertyPointer);
    const mediaType = property.value?.["contentMediaType"];
    if (
      typeof item === "string" &&
      typeof mediaType === "string" &&
      "contentSchema" in property.value
    ) {
      let decoded: unknown;
      try {
        decoded = decodeContent(mediaType, item);
      } catch (error) {
        out.push(`${where}/${key} is not valid ${mediaType}: ${String(error)}`);
        continue;
      }
      const contentPointer = `${property.pointer}/contentSchema`;
      for (const problem of spec.problems(contentPointer, decoded)) {
        out.push(`${where}/${key} (${mediaType}) ${problem}`);
      }
      contentProblems(spec, contentPointer, decoded, `${where}/${key}`, out);
    } else {
      contentProblems(spec, propertyPointer, item, `${where}/${key}`, out);
    }
  }
}

function decodeContent(mediaType: string, text: string): unknown {
  const type = mediaType.toLowerCase();
  if (type === "text/csv") return parseCsvRecords(text);
  if (isJsonMedia(type)) return JSON.parse(text);
  throw new Error(`no decoder for ${mediaType}`);
}

/**
 * Strict CSV by header (a stray quote, a ragged row or a duplicate column throws, as a vendor would refuse
 * it); an empty cell is an absent key, SlashID's rule.
 */
export function parseCsvRecords(text: string): Record<string, string>[] {
  const rows = parse<Record<string, string>>(text, { columns: true, skip_empty_lines: true });
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row).filter(([, value]) => value !== "")),
  );
}
