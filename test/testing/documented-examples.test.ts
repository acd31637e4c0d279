// A simulator answers with the bodies its spec shows, so that their messages are stated once, in the spec.
import { describe, expect, it } from "vitest";
import { json } from "../../src/testing/faults.js";
import { documentedExample, documentedExamples } from "../../src/testing/kit/examples.js";
import { createSimulatorKit } from "../../src/testing/kit/simulator-kit.js";

const busy = { code: "busy", message: "try later" };
const document = {
  openapi: "3.1.0",
  paths: {
    "/jobs": {
      post: {
        operationId: "createJob",
        responses: {
          "404": { $ref: "#/components/responses/NotFound" },
          "503": { content: { "application/json": { example: busy } } },
        },
      },
    },
    "/jobs/{id}": {
      get: {
        operationId: "getJob",
        responses: { "404": { $ref: "#/components/responses/NotFound" } },
      },
    },
  },
  components: {
    responses: {
      NotFound: {
        content: {
          "application/json": {
            examples: {
              noJob: { value: { code: "job_not_found" } },
              noUser: { value: { code: "user_not_found" } },
            },
          },
        },
      },
    },
  },
};

describe("documented examples", () => {
  it("finds an operation's example by name, else its first, through a $ref or inline", () => {
    expect(documentedExample(document, "getJob", 404, "noUser")).toEqual({
      code: "user_not_found",
    });
    expect(documentedExample(document, "getJob", 404)).toEqual({ code: "job_not_found" });
    expect(documentedExample(document, "createJob", 503)).toEqual(busy);
    expect(documentedExample(document, "getJob", 503)).toBeUndefined();
    expect(documentedExample(document, "noSuchOperation", 404)).toBeUndefined();
    expect(documentedExamples(document, 404)).toHaveLength(4);
  });

  it("gives a copy: a simulator that changes it leaves the spec as it was", () => {
    const shown = documentedExample(document, "createJob", 503) as typeof busy;
    shown.message = "changed";
    expect(documentedExample(document, "createJob", 503)).toEqual(busy);
  });

  it("answers an injected fault with the spec's body when the vendor gives none", async () => {
    const kit = createSimulatorKit({
      vendor: "test",
      document,
      options: { faults: { rate5xx: 1 } },
      notFound: () => json({ code: "no_route" }, 404),
    });
    const handlers = { createJob: () => json({}), getJob: () => json({}) };
    const call = (method: string, path: string) =>
      kit.handle(new Request(`http://127.0.0.1${path}`, { method }), handlers);
    const first = await call("POST", "/jobs");
    expect(first.status).toBe(500);
    const second = await call("POST", "/jobs");
    expect([second.status, await second.json()]).toEqual([503, busy]);
    await call("GET", "/elsewhere");
    // A route the spec does not know takes the first body any operation shows for the status.
    const unknown = await call("GET", "/elsewhere");
    expect([unknown.status, await unknown.json()]).toEqual([503, busy]);
  });
});
