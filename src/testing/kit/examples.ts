// The bodies a spec shows for an operation's answers, so that a simulator answers with them instead of a
// copy of their messages that could drift from the spec.
import { routesOf } from "./routes.js";

type Obj = Record<string, unknown>;

const objectAt = (value: unknown): Obj =>
  value !== null && typeof value === "object" ? (value as Obj) : {};

/** The node a local `$ref` (`#/components/responses/NotFound`) points at, or the node itself. */
function resolved(document: Obj, node: Obj): Obj {
  const ref = node["$ref"];
  if (typeof ref !== "string" || !ref.startsWith("#/")) return node;
  return objectAt(
    ref
      .slice(2)
      .split("/")
      .reduce<unknown>((at, key) => objectAt(at)[key], document),
  );
}

/** The JSON bodies, by example name, that the spec shows for `status` of an operation. */
function examplesOf(document: Obj, operation: Obj, status: number): Record<string, unknown> {
  const response = resolved(document, objectAt(objectAt(operation["responses"])[String(status)]));
  const media = objectAt(objectAt(response["content"])["application/json"]);
  const named = Object.entries(objectAt(media["examples"]));
  const values = named.map(([name, example]): [string, unknown] => [
    name,
    resolved(document, objectAt(example))["value"],
  ]);
  if (values.length === 0 && media["example"] !== undefined)
    values.push(["example", media["example"]]);
  return Object.fromEntries(values.filter(([, value]) => value !== undefined));
}

/**
 * A copy of the JSON body the spec shows for `operationId`'s `status` answer: its example named `name`, else
 * its first one; undefined when the spec shows none.
 */
export function documentedExample(
  document: Obj,
  operationId: string,
  status: number,
  name?: string,
): unknown {
  const route = routesOf(document).find((r) => r.operationId === operationId);
  const examples = route === undefined ? {} : examplesOf(document, route.operation, status);
  const value = name === undefined ? Object.values(examples)[0] : examples[name];
  return value === undefined ? undefined : structuredClone(value);
}

/** Copies of every JSON body the spec shows for a `status` answer of any of its operations. */
export function documentedExamples(document: Obj, status: number): unknown[] {
  const all = routesOf(document).flatMap((r) =>
    Object.values(examplesOf(document, r.operation, status)),
  );
  return structuredClone(all);
}
