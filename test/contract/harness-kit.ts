// What each vendor's contract harness (test/<vendor>/contract-harness.ts) is built with. Not in
// ./harness.ts, which reads the harnesses from the vendors' test profiles: a harness taking these from there
// would load in a cycle, and find them not yet made when a profile was imported first.
import type { OperationCall } from "./harness.js";

/** A client's operation methods, by operationId, for calls chosen at run time. */
export const operationsOf = (client: object) =>
  client as unknown as Readonly<Record<string, OperationCall | undefined>>;

/** Why the request's header `name` is not `expected` (described as `what`), or undefined when it is. */
export const expectHeader = (request: Request, name: string, expected: string, what: string) =>
  request.headers.get(name) === expected ? undefined : `${name} is not ${what}`;
