// The specs are the source of every type and test: each must be complete, self-consistent and faithful to
// the vendors' documented facts, so an edit that drops one of them fails here.
import { describe, expect, it } from "vitest";
import { VENDORS, loadSpec, type Vendor } from "./support/specs.js";

const statusesOf = (vendor: Vendor) =>
  Object.fromEntries(
    loadSpec(vendor)
      .operations()
      .map((op) => [op.operationId, op.responses.map((r) => r.status)]),
  );

describe.each(VENDORS)("%s spec", (vendor) => {
  const spec = loadSpec(vendor);
  const operations = spec.operations();

  it("is OpenAPI 3.1 with servers, security schemes and readable operations", () => {
    expect(spec.doc["openapi"]).toMatch(/^3\.1\./);
    expect((spec.doc["servers"] as unknown[]).length).toBeGreaterThan(0);
    expect(Object.keys(spec.at("#/components/securitySchemes") as object).length).toBeGreaterThan(
      0,
    );
    for (const op of operations) {
      expect(op.operationId, `${op.method} ${op.path}`).toMatch(/^[a-z][A-Za-z]+$/);
      expect(op.operation["summary"], op.operationId).toBeTruthy();
      expect(String(op.operation["description"]).length, op.operationId).toBeGreaterThan(40);
    }
  });

  it("has at least one example for every request and response body, and every one validates", () => {
    for (const op of operations) {
      if (op.requestSchema !== null) {
        expect(op.requestExamples.length, `${op.operationId} request`).toBeGreaterThan(0);
        for (const ex of op.requestExamples) {
          expect(
            spec.problems(op.requestSchema.pointer, ex.value),
            `${op.operationId} request ${ex.name}`,
          ).toEqual([]);
        }
      }
      for (const response of op.responses) {
        const where = `${op.operationId} ${response.status}`;
        if (response.schema === null) continue;
        expect(response.examples.length, `${where} has no example`).toBeGreaterThan(0);
        for (const ex of response.examples) {
          expect(spec.problems(response.schema.pointer, ex.value), `${where} ${ex.name}`).toEqual(
            [],
          );
        }
      }
    }
  });

  it("holds every schema's own `examples` valid against that schema", () => {
    // Media and parameter examples are maps (checked above); a schema's `examples` is an array.
    const escape = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");
    const walk = (node: unknown, pointer: string): void => {
      if (node === null || typeof node !== "object") return;
      const record = node as Record<string, unknown>;
      const examples = record["examples"];
      if (Array.isArray(examples)) {
        for (const [i, example] of examples.entries()) {
          expect(spec.problems(pointer, example), `${pointer} example ${i}`).toEqual([]);
        }
      }
      for (const [key, value] of Object.entries(record)) {
        if (key !== "examples" && key !== "example") walk(value, `${pointer}/${escape(key)}`);
      }
    };
    walk(spec.at("#/components/schemas"), "#/components/schemas");
  });

  it("gives every parameter and response header a schema and a valid example", () => {
    for (const op of operations) {
      for (const param of op.parameters) {
        const where = `${op.operationId} parameter ${String(param.value["name"])}`;
        expect(param.value["schema"], where).toBeDefined();
        const example =
          param.value["example"] ?? (param.value["schema"] as Record<string, unknown>)["example"];
        expect(example, where).toBeDefined();
        expect(spec.problems(`${param.pointer}/schema`, example), where).toEqual([]);
      }
      for (const response of op.responses) {
        for (const header of response.headers) {
          const where = `${op.operationId} ${response.status} header ${header.name}`;
          expect(header.schema, where).not.toBeNull();
          expect(header.example, where).toBeDefined();
          expect(spec.problems(header.schema!.pointer, header.example), where).toEqual([]);
        }
      }
    }
  });

  it("declares Retry-After on every 429", () => {
    for (const op of operations) {
      for (const response of op.responses.filter((r) => r.status === "429")) {
        expect(
          response.headers.map((h) => h.name),
          op.operationId,
        ).toContain("Retry-After");
      }
    }
  });

  it("shares one error body schema across the vendor's error responses", () => {
    for (const op of operations) {
      for (const response of op.responses.filter((r) => Number(r.status) >= 400)) {
        // The token endpoint's OAuth2 errors follow RFC 6749, not the vendor's API error envelope.
        const expected = op.operationId === "getAccessToken" ? "OAuthError" : "ErrorResponse";
        expect(response.schema?.value["$ref"], `${op.operationId} ${response.status}`).toBe(
          `#/components/schemas/${expected}`,
        );
      }
    }
  });
});

describe("vendor facts from VENDORS.md and the seed pages", () => {
  const fact = (vendor: Vendor, pointer: string) => loadSpec(vendor).at(pointer);
  const fs = "#/components/schemas";

  it("FullStory: batch limits, field lengths, property rules, job states, headers", () => {
    expect(fact("fullstory", `${fs}/CreateBatchImportRequest/properties/requests/maxItems`)).toBe(
      50000,
    );
    expect(fact("fullstory", `${fs}/CreateBatchImportRequest/properties/requests/minItems`)).toBe(
      1,
    );
    expect(fact("fullstory", `${fs}/CreateBatchImportRequest/required`)).toEqual(["requests"]);
    for (const schema of ["BatchUserImportRequest", "UpdateUserRequest", "CreateUserRequest"]) {
      expect(fact("fullstory", `${fs}/${schema}/properties/uid/maxLength`), schema).toBe(256);
      expect(fact("fullstory", `${fs}/${schema}/properties/display_name/maxLength`), schema).toBe(
        256,
      );
      expect(fact("fullstory", `${fs}/${schema}/properties/email/maxLength`), schema).toBe(128);
    }
    expect(fact("fullstory", `${fs}/UserProperties/maxProperties`)).toBe(500);
    expect(fact("fullstory", `${fs}/UserProperties/propertyNames`)).toEqual({
      pattern: "^[A-Za-z][A-Za-z0-9_]*$",
      maxLength: 512,
    });
    expect(fact("fullstory", `${fs}/JobStatus/enum`)).toEqual([
      "PROCESSING",
      "COMPLETED",
      "FAILED",
    ]);
    expect(fact("fullstory", `${fs}/SchemaType/enum`)).toEqual(
      expect.arrayContaining([
        "str",
        "strs",
        "int",
        "ints",
        "real",
        "reals",
        "bool",
        "bools",
        "date",
        "dates",
      ]),
    );
    const batch = loadSpec("fullstory")
      .operations()
      .find((op) => op.operationId === "createBatchImport")!;
    expect(batch.parameters.map((p) => p.value["name"])).toContain("Idempotency-Key");
    expect(fact("fullstory", "#/components/securitySchemes/BasicApiKey/name")).toBe(
      "Authorization",
    );
  });

  it("FullStory: every operation documents 200/400/401/403/404/429/500 (and the UNCONFIRMED 503), imports and errors also 202", () => {
    const base = ["200", "400", "401", "403", "404", "429", "500", "503"];
    const statuses = statusesOf("fullstory");
    expect(Object.keys(statuses).sort()).toEqual(
      [
        "createBatchImport",
        "createUser",
        "getBatchImportErrors",
        "getBatchImportStatus",
        "getBatchImports",
        "getUser",
        "updateUser",
      ].sort(),
    );
    for (const [id, list] of Object.entries(statuses)) {
      const expected =
        id === "getBatchImports" || id === "getBatchImportErrors" ? [...base, "202"] : base;
      expect([...list].sort(), id).toEqual([...expected].sort());
    }
  });

  it("SlashID: multipart CSV part, org header, regions, buckets, statuses", () => {
    const op = loadSpec("slashid")
      .operations()
      .find((o) => o.operationId === "bulkImportPersons")!;
    expect(op.requestMediaType).toBe("multipart/form-data");
    expect(op.requestSchema?.value["$ref"] ?? op.requestSchema?.value).toBeDefined();
    expect(fact("slashid", `${fs}/PersonsBulkImportRequest/required`)).toEqual(["persons"]);
    expect(op.parameters.find((p) => p.value["name"] === "SlashID-OrgID")?.value["required"]).toBe(
      true,
    );
    // Known values, not a closed enum: no source says SlashID refuses another region.
    expect(fact("slashid", `${fs}/PersonCsvRow/properties/slashid:region/enum`)).toBeUndefined();
    expect(fact("slashid", `${fs}/PersonCsvRow/properties/slashid:region/x-known-values`)).toEqual([
      "us-iowa",
      "europe-belgium",
      "asia-japan",
      "europe-england",
      "australia-sydney",
    ]);
    const buckets = JSON.stringify(fact("slashid", `${fs}/AttributeBuckets`));
    for (const bucket of ["end_user_no_access", "end_user_read_only", "end_user_read_write"]) {
      expect(buckets).toContain(`"${bucket}"`);
      expect(buckets).toContain(`"person_pool-${bucket}"`);
    }
    expect(statusesOf("slashid")["bulkImportPersons"]?.sort()).toEqual([
      "200",
      "400",
      "401",
      "402",
      "403",
    ]);
    expect(statusesOf("slashid")["getPersonsBulkImportTemplate"]).toContain("200");
    expect(fact("slashid", `${fs}/PersonsBulkImportResult/required`)).toEqual(
      expect.arrayContaining(["successful_imports", "failed_imports"]),
    );
  });

  it("Propeller: closed user schema, required keys, enums, OAuth2 token endpoint, statuses", () => {
    expect(fact("propeller", `${fs}/BulkUser/required`)).toEqual(
      expect.arrayContaining(["source", "sourceId"]),
    );
    expect(fact("propeller", `${fs}/BulkUser/additionalProperties`)).toBe(false);
    // The users page shows lower case: both cases are accepted (UNCONFIRMED which Propeller stores).
    expect(fact("propeller", `${fs}/BulkUser/properties/gender/enum`)).toEqual([
      "M",
      "F",
      "U",
      "m",
      "f",
      "u",
    ]);
    // Users are matched on source + sourceId + language: the closed schema must not refuse it.
    expect(fact("propeller", `${fs}/BulkUser/properties/language/type`)).toBe("string");
    expect(fact("propeller", `${fs}/Address/required`)).toEqual(
      expect.arrayContaining(["type", "street", "city", "country"]),
    );
    expect(fact("propeller", `${fs}/Address/properties/type/enum`)).toEqual([
      "delivery",
      "invoice",
    ]);
    expect(
      fact("propeller", "#/components/securitySchemes/oauth2/flows/clientCredentials/tokenUrl"),
    ).toBe("https://api.helice.cloud/oauth2/token");
    expect(statusesOf("propeller")["bulkUsersBySourceId"]?.sort()).toEqual([
      "200",
      "400",
      "401",
      "403",
      "404",
    ]);
    expect(statusesOf("propeller")["getAccessToken"]).toContain("200");
  });

  it("Userpilot: 10,000 users, primitive metadata, job states, environments, statuses", () => {
    expect(fact("userpilot", `${fs}/BulkIdentifyUsersRequest/properties/users/maxItems`)).toBe(
      10000,
    );
    expect(fact("userpilot", `${fs}/BulkIdentifyUser/required`)).toEqual(["user_id"]);
    expect(fact("userpilot", `${fs}/JobStatus/enum`)).toEqual([
      "queued",
      "validating",
      "processing",
      "pending_refresh",
      "completed",
      "failed",
    ]);
    expect(fact("userpilot", "#/servers/0/variables/environment/enum")).toEqual([
      "analytex",
      "analytex-eu",
    ]);
    for (const id of ["bulkIdentifyUsers", "bulkIdentifyCompanies"]) {
      expect(statusesOf("userpilot")[id]?.sort(), id).toEqual([
        "202",
        "400",
        "401",
        "409",
        "413",
        "429",
        "500",
        "503",
      ]);
    }
    const metadata = loadSpec("userpilot");
    expect(metadata.problems(`${fs}/Metadata`, { a: "x", b: 1, c: true, d: null })).toEqual([]);
    expect(metadata.problems(`${fs}/Metadata`, { nested: { a: 1 } })).not.toEqual([]);
  });
});
