// Enumerates the contract cases of one spec: every operation × documented response, with the examples and
// header values a mock vendor answers with. Works on the raw OpenAPI document (so a test can feed it a small
// synthetic spec) and on the generated operation table the client maps responses with. Anything that
// cannot be exercised is returned as a problem named like the case it blocks, never skipped silently.
import type { OperationTable } from "../../src/core/client/operation-table.js";

type Json = Record<string, unknown>;

export interface ContractExample {
  readonly name: string;
  /** The body to answer with; undefined for a response without content. */
  readonly value: unknown;
}

export interface ContractCase {
  readonly vendor: string;
  /** `<vendor> <METHOD> <path> <status>`, e.g. `fullstory POST /v2/users/batch 429`. */
  readonly name: string;
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The documented media type of the body, null when the response has no content. */
  readonly mediaType: string | null;
  /** Every example of the body (one unnamed entry with an undefined value when there is no body). */
  readonly examples: readonly ContractExample[];
  /** Every documented response header, with its example value as sent on the wire. */
  readonly headers: readonly { readonly name: string; readonly value: string }[];
}

export interface ContractProblem {
  /** The case the problem blocks (`<vendor> <METHOD> <path> <status>`), or the operation. */
  readonly name: string;
  /** `<name>: <what is wrong>`. */
  readonly message: string;
}

export interface ContractEnumeration {
  readonly cases: ContractCase[];
  readonly problems: ContractProblem[];
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;
const PLAIN_STATUS = /^[1-5][0-9]{2}$/;

const isObject = (value: unknown): value is Json =>
  value !== null && typeof value === "object" && !Array.isArray(value);

function at(doc: Json, ref: string): unknown {
  if (!ref.startsWith("#")) return undefined;
  return ref
    .replace(/^#\/?/, "")
    .split("/")
    .filter((part) => part !== "")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), doc);
}

/** Follows `$ref` chains of responses, headers and examples (at most 20 hops). */
function deref(doc: Json, value: unknown): Json | undefined {
  let current = value;
  for (
    let hops = 0;
    hops < 20 && isObject(current) && typeof current["$ref"] === "string";
    hops++
  ) {
    current = at(doc, current["$ref"]);
  }
  return isObject(current) && typeof current["$ref"] !== "string" ? current : undefined;
}

function examplesOf(doc: Json, media: Json): { examples: ContractExample[]; broken: string[] } {
  const examples: ContractExample[] = [];
  const broken: string[] = [];
  for (const [name, raw] of Object.entries(isObject(media["examples"]) ? media["examples"] : {})) {
    const example = deref(doc, raw);
    if (example === undefined) broken.push(`example ${name} does not resolve`);
    else if (!("value" in example)) broken.push(`example ${name} has no inline value`);
    else examples.push({ name, value: example["value"] });
  }
  if ("example" in media) examples.push({ name: "example", value: media["example"] });
  return { examples, broken };
}

function headerExample(doc: Json, header: Json): unknown {
  if ("example" in header) return header["example"];
  const named = isObject(header["examples"]) ? Object.values(header["examples"]) : [];
  for (const raw of named) {
    const example = deref(doc, raw);
    if (example !== undefined && "value" in example) return example["value"];
  }
  const schema =
    deref(doc, header["schema"]) ?? (isObject(header["schema"]) ? header["schema"] : {});
  if ("example" in schema) return schema["example"];
  if (Array.isArray(schema["examples"]) && schema["examples"].length > 0)
    return schema["examples"][0];
  return undefined;
}

/**
 * Every operation × documented status of `doc`, checked against `table` (the client's
 * generated/<vendor>.operations.ts). Returns the cases to run and the problems that block the others.
 */
export function enumerateContractCases(
  vendor: string,
  doc: Json,
  table: OperationTable,
): ContractEnumeration {
  const cases: ContractCase[] = [];
  const problems: ContractProblem[] = [];
  const problem = (name: string, what: string) =>
    problems.push({ name, message: `${name}: ${what}` });
  const seenOperations = new Map<string, Set<string>>();

  const paths = isObject(doc["paths"]) ? doc["paths"] : {};
  for (const [route, rawItem] of Object.entries(paths)) {
    const item = deref(doc, rawItem) ?? {};
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const METHOD = method.toUpperCase();
      const opName = `${vendor} ${METHOD} ${route}`;
      const operationId = operation["operationId"];
      if (typeof operationId !== "string") {
        problem(opName, "no operationId, so the client has no method for it");
        continue;
      }
      const statuses = new Set<string>();
      seenOperations.set(operationId, statuses);
      const mapped = table[operationId];
      if (mapped === undefined) {
        problem(
          opName,
          `operation ${operationId} is missing from generated/${vendor}.operations.ts`,
        );
        continue;
      }
      if (mapped.method !== METHOD || mapped.path !== route) {
        problem(
          opName,
          `generated/${vendor}.operations.ts maps ${operationId} to ${mapped.method} ${mapped.path}`,
        );
      }
      const responses = isObject(operation["responses"]) ? operation["responses"] : {};
      if (Object.keys(responses).length === 0) problem(opName, "documents no response");

      for (const [status, rawResponse] of Object.entries(responses)) {
        const name = `${opName} ${status}`;
        statuses.add(status);
        if (!PLAIN_STATUS.test(status)) {
          problem(name, `status ${status} is not a plain HTTP status; the client cannot map it`);
          continue;
        }
        const generated = mapped.responses[status];
        if (generated === undefined) {
          problem(name, `status ${status} is missing from generated/${vendor}.operations.ts`);
          continue;
        }
        const response = deref(doc, rawResponse);
        if (response === undefined) {
          problem(name, "response does not resolve");
          continue;
        }
        const content = isObject(response["content"]) ? response["content"] : {};
        const [mediaType] = Object.keys(content);
        if ((mediaType ?? null) !== generated.mediaType) {
          problem(
            name,
            `media type ${mediaType ?? "none"} but generated/${vendor}.operations.ts says ${generated.mediaType ?? "none"}`,
          );
          continue;
        }
        let examples: ContractExample[] = [{ name: "no body", value: undefined }];
        if (mediaType !== undefined) {
          const media = isObject(content[mediaType]) ? content[mediaType] : {};
          const found = examplesOf(doc, media);
          for (const broken of found.broken) problem(name, broken);
          if (found.broken.length > 0) continue;
          if (found.examples.length === 0) {
            problem(name, "no example");
            continue;
          }
          examples = found.examples;
        }
        const headers: { name: string; value: string }[] = [];
        let headerMissing = false;
        const declared = isObject(response["headers"]) ? response["headers"] : {};
        for (const [headerName, rawHeader] of Object.entries(declared)) {
          // OpenAPI: a Content-Type response header definition is ignored.
          if (headerName.toLowerCase() === "content-type") continue;
          const example = headerExample(doc, deref(doc, rawHeader) ?? {});
          if (
            typeof example === "string" ||
            typeof example === "number" ||
            typeof example === "boolean"
          ) {
            headers.push({ name: headerName, value: String(example) });
          } else {
            problem(name, `header ${headerName} has no example`);
            headerMissing = true;
          }
        }
        if (headerMissing) continue;
        cases.push({
          vendor,
          name,
          operationId,
          method: METHOD,
          path: route,
          status: Number(status),
          mediaType: mediaType ?? null,
          examples,
          headers,
        });
      }
    }
  }

  // The client maps what the generated table says; a status it cannot map, or a stale table, is a problem.
  for (const [operationId, mapped] of Object.entries(table)) {
    const opName = `${vendor} ${mapped.method} ${mapped.path}`;
    const documented = seenOperations.get(operationId);
    if (documented === undefined) {
      problem(opName, `generated/${vendor}.operations.ts has ${operationId}, the spec does not`);
      continue;
    }
    for (const status of Object.keys(mapped.responses)) {
      const name = `${opName} ${status}`;
      if (problems.some((p) => p.name === name)) continue;
      if (!PLAIN_STATUS.test(status)) {
        problem(name, `status ${status} is not a plain HTTP status; the client cannot map it`);
      } else if (!documented.has(status)) {
        problem(name, `generated/${vendor}.operations.ts maps status ${status}, the spec does not`);
      }
    }
  }
  return { cases, problems };
}
