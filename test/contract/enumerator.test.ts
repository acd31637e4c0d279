// The case enumerator behind responses.test.ts: every operation × documented status of a spec becomes a
// case, and anything the suite cannot exercise is reported by name instead of being skipped.
import { describe, expect, it } from "vitest";
import type { OperationTable } from "../../src/core/client/operation-table.js";
import { enumerateContractCases } from "../support/contract-cases.js";
import { VENDORS, loadSpec } from "../support/specs.js";
import { HARNESSES } from "./harness.js";

const json = { mediaType: "application/json", shape: {}, headers: [] } as const;

/** A deep copy of `tree` with `value` at `path`; every object on the way must exist. */
function withValueAt<T extends object>(tree: T, path: readonly string[], value: unknown): T {
  const copy = structuredClone(tree);
  let node = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path[path.length - 1]!] = value;
  return copy;
}

/** A small spec: one good response per operation, plus one of each kind of problem. */
const syntheticSpec = {
  openapi: "3.1.0",
  info: { title: "Synthetic", version: "1" },
  paths: {
    "/things": {
      get: {
        operationId: "listThings",
        responses: {
          "200": {
            description: "The things.",
            headers: { "X-Total": { schema: { type: "integer" }, example: 2 } },
            content: {
              "application/json": {
                schema: { type: "array" },
                examples: { two: { value: [{ id: 1 }, { id: 2 }] }, none: { value: [] } },
              },
            },
          },
          "404": { $ref: "#/components/responses/NotFound" },
          default: {
            description: "Anything else.",
            content: { "application/json": { schema: {}, example: { error: "x" } } },
          },
        },
      },
      post: {
        operationId: "createThing",
        responses: {
          "201": {
            description: "Created.",
            headers: { Location: { schema: { type: "string" } } },
            content: { "application/json": { schema: {}, example: { id: 3 } } },
          },
          "204": { description: "Nothing to create." },
          "4XX": {
            description: "Client error.",
            content: { "application/json": { schema: {}, example: { error: "bad" } } },
          },
        },
      },
    },
  },
  components: {
    responses: {
      NotFound: {
        description: "Not found (no example).",
        content: { "application/json": { schema: { type: "object" } } },
      },
    },
  },
};

const syntheticTable: OperationTable = {
  listThings: {
    method: "GET",
    path: "/things",
    requestMediaType: null,
    requestEncoding: {},
    requestHeaders: [],
    responses: { "200": json, "404": json, default: json },
  },
  createThing: {
    method: "POST",
    path: "/things",
    requestMediaType: null,
    requestEncoding: {},
    requestHeaders: [],
    responses: {
      "201": json,
      "204": { mediaType: null, shape: {}, headers: [] },
      "4XX": json,
    },
  },
};

describe("enumerateContractCases", () => {
  it("turns every exercisable operation × status of a synthetic spec into a named case", () => {
    const { cases } = enumerateContractCases("synthetic", syntheticSpec, syntheticTable);
    expect(cases.map((c) => c.name)).toEqual([
      "synthetic GET /things 200",
      "synthetic POST /things 204",
    ]);
    expect(cases[0]).toMatchObject({
      operationId: "listThings",
      method: "GET",
      path: "/things",
      status: 200,
      mediaType: "application/json",
      examples: [
        { name: "two", value: [{ id: 1 }, { id: 2 }] },
        { name: "none", value: [] },
      ],
      headers: [{ name: "X-Total", value: "2" }],
    });
    expect(cases[1]).toMatchObject({
      status: 204,
      mediaType: null,
      examples: [{ name: "no body", value: undefined }],
    });
  });

  it("reports a missing example, a missing header example and unmappable statuses by name", () => {
    const { problems } = enumerateContractCases("synthetic", syntheticSpec, syntheticTable);
    expect(problems.map((p) => p.message).sort()).toEqual(
      [
        "synthetic GET /things 404: no example",
        "synthetic GET /things default: status default is not a plain HTTP status; the client cannot map it",
        "synthetic POST /things 201: header Location has no example",
        "synthetic POST /things 4XX: status 4XX is not a plain HTTP status; the client cannot map it",
      ].sort(),
    );
    for (const problem of problems)
      expect(problem.message.startsWith(`${problem.name}: `)).toBe(true);
  });

  it("reports a spec and a generated table that disagree", () => {
    const { listThings, createThing } = syntheticTable;
    const stale: OperationTable = {
      listThings: { ...listThings!, responses: { "200": json, "418": json } },
      createThing: { ...createThing!, path: "/thing" },
      deleteThing: { ...createThing!, method: "DELETE", responses: {} },
    };
    const messages = enumerateContractCases("synthetic", syntheticSpec, stale).problems.map(
      (p) => p.message,
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        "synthetic GET /things 404: status 404 is missing from generated/synthetic.operations.ts",
        "synthetic GET /things 418: generated/synthetic.operations.ts maps status 418, the spec does not",
        "synthetic POST /things: generated/synthetic.operations.ts maps createThing to POST /thing",
        "synthetic DELETE /things: generated/synthetic.operations.ts has deleteThing, the spec does not",
      ]),
    );
  });

  it("covers a response added to a real spec without any test change", () => {
    const doc = withValueAt(
      loadSpec("userpilot").doc,
      ["paths", "/v1/background_jobs", "get", "responses", "503"],
      {
        description: "Maintenance.",
        content: { "application/json": { schema: {}, example: { errors: [] } } },
      },
    );
    const table = withValueAt(
      HARNESSES.userpilot.operations,
      ["listBackgroundJobs", "responses", "503"],
      json,
    );
    const { cases, problems } = enumerateContractCases("userpilot", doc, table);
    expect(problems).toEqual([]);
    expect(cases.map((c) => c.name)).toContain("userpilot GET /v1/background_jobs 503");
  });

  it.each(VENDORS)("enumerates every documented response of the %s spec", (vendor) => {
    const spec = loadSpec(vendor);
    const { cases, problems } = enumerateContractCases(
      vendor,
      spec.doc,
      HARNESSES[vendor].operations,
    );
    const documented = spec
      .operations()
      .flatMap((op) => op.responses.map((r) => `${vendor} ${op.method} ${op.path} ${r.status}`));
    expect(problems).toEqual([]);
    expect(cases.map((c) => c.name).sort()).toEqual(documented.sort());
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });
});
