// The check every test's simulator answers go through (test/support/msw.ts turns it on): an answer outside
// the spec is reported, naming the operation and what is wrong; a conforming one is not. The simulator core
// shows the check every answer to an operation of the spec, and only those.
import { afterEach, describe, expect, it } from "vitest";
import { document as fullstory } from "../../generated/fullstory.document.js";
import { document as slashid } from "../../generated/slashid.document.js";
import { createFullStorySimulator } from "../../src/testing/fullstory.js";
import {
  observeSimulatorAnswers,
  type SimulatorAnswer,
} from "../../src/testing/kit/simulator-kit.js";
import { routesOf } from "../../src/testing/kit/routes.js";
import { createPropellerSimulator } from "../../src/testing/propeller.js";
import { answerProblems, reportAnswerProblems } from "../support/response-check.js";

const batch = () =>
  new Request("https://api.fullstory.com/v2/users/batch", { method: "POST", body: "{}" });
const json = (body: unknown, status = 200) => Response.json(body, { status });

const route = routesOf(fullstory).find((r) => r.operationId === "createBatchImport")!;

/** The problems of `response` as FullStory's answer to a batch create; the body stays readable. */
async function problemsOf(response: Response): Promise<string[]> {
  const problems = await answerProblems({ vendor: "fullstory", route, request: batch(), response });
  await response.text();
  return problems;
}

/** The answers simulators give while `run` runs, each with the problems the check reports of it. */
async function observed(run: () => Promise<unknown>) {
  const answers: { answer: SimulatorAnswer; problems: string[] }[] = [];
  observeSimulatorAnswers(async (answer) => {
    answers.push({ answer, problems: await answerProblems(answer) });
  });
  await run();
  return answers.map(({ answer: { route, response }, problems }) => ({
    operation: route.operationId,
    status: response.status,
    problems,
  }));
}

afterEach(() => observeSimulatorAnswers(undefined));

describe("simulator answers are checked against the spec", () => {
  it("passes a documented status with a body its schema accepts", async () => {
    const body = { job: { id: "j1", status: "PROCESSING", created: "2024-01-01T00:00:00Z" } };
    expect(await problemsOf(json(body))).toEqual([]);
  });

  it("reports a body that lacks a required field, naming the operation", async () => {
    expect(await problemsOf(json({ job: { id: "j1", status: "PROCESSING" } }))).toEqual([
      expect.stringMatching(
        /createBatchImport 200 body \/job must have required property 'created'/,
      ),
    ]);
  });

  it("reports an enum value the spec does not list", async () => {
    const body = { job: { id: "j1", status: "RUNNING", created: "2024-01-01T00:00:00Z" } };
    expect(await problemsOf(json(body))).toEqual([
      expect.stringMatching(/createBatchImport 200 body \/job\/status must be equal to one of/),
    ]);
  });

  it("reports a status the operation does not document", async () => {
    expect(await problemsOf(json({ message: "teapot", code: "teapot" }, 418))).toEqual([
      "status 418 is not documented for createBatchImport",
    ]);
  });

  // specs/fullstory.yaml: a 429 carries `Retry-After` (required), a whole number of seconds.
  it("reports a required header that is missing, and a header its schema refuses", async () => {
    const body = { message: "slow down", code: "too_many_requests" };
    expect(await problemsOf(json(body, 429))).toEqual([
      "createBatchImport 429 lacks the required header Retry-After",
    ]);
    const soon = Response.json(body, { status: 429, headers: { "Retry-After": "soon" } });
    expect(await problemsOf(soon)).toEqual([
      expect.stringMatching(/^createBatchImport 429 header Retry-After .*must be integer/),
    ]);
    const wait = Response.json(body, { status: 429, headers: { "Retry-After": "30" } });
    expect(await problemsOf(wait)).toEqual([]);
  });

  it("reports a body where the spec documents none, and a media type it does not document", async () => {
    const imports = routesOf(fullstory).find((r) => r.operationId === "getBatchImports")!;
    const request = new Request("https://api.fullstory.com/v2/users/batch/j1/imports");
    const answer = (response: Response) =>
      answerProblems({ vendor: "fullstory", route: imports, request, response });
    expect(await answer(new Response(null, { status: 202 }))).toEqual([]);
    expect(await answer(json({ job: "j1" }, 202))).toEqual([
      "getBatchImports 202 documents no body, the answer has one",
    ]);
    const template = routesOf(slashid).find(
      (r) => r.operationId === "getPersonsBulkImportTemplate",
    )!;
    const csv = (type: string) =>
      answerProblems({
        ...{ vendor: "slashid", route: template },
        request: new Request("https://api.slashid.com/persons/bulk-import"),
        response: new Response('"slashid:emails"\n', { headers: { "Content-Type": type } }),
      });
    expect(await csv("text/csv; charset=utf-8")).toEqual([]);
    expect(await csv("text/plain")).toEqual([
      "getPersonsBulkImportTemplate 200 documents a text/csv body, the answer is text/plain",
    ]);
  });

  it("names the vendor, the request and the status in what it reports", async () => {
    const reported: string[] = [];
    const response = json({}, 418);
    await reportAnswerProblems((p) => reported.push(p))({
      ...{ vendor: "fullstory", route, request: batch(), response },
    });
    expect(reported).toEqual([
      "fullstory simulator: POST /v2/users/batch → 418: status 418 is not documented for createBatchImport",
    ]);
  });
});

describe("the simulator core shows the check its answers", () => {
  it("shows each answer to an operation below the base path, and none to other paths", async () => {
    const sim = createFullStorySimulator({ basePath: "/fs" });
    const send = (path: string, auth = "Basic sim-key") =>
      sim.handle(new Request(`https://h.test${path}`, { headers: { authorization: auth } }));
    const answers = await observed(async () => {
      await send("/fs/v2/users/batch/missing");
      await send("/fs/v2/users/batch/missing", "Basic wrong");
      await send("/fs/v2/no/such/operation");
      await send("/v2/users/batch/missing");
    });
    expect(answers).toEqual([
      { operation: "getBatchImportStatus", status: 404, problems: [] },
      { operation: "getBatchImportStatus", status: 401, problems: [] },
    ]);
  });

  it("lets an injected fault carry a status the spec does not list (Propeller documents no 5xx)", async () => {
    const sim = createPropellerSimulator({ faults: { rate5xx: 1 } });
    const request = new Request("https://api.helice.cloud/v2/users/bulk/sourceId", {
      method: "POST",
      body: JSON.stringify({ users: [{ source: "s", sourceId: 1 }] }),
      headers: { "content-type": "application/json" },
    });
    expect(await observed(() => sim.handle(request))).toEqual([
      { operation: "bulkUsersBySourceId", status: 500, problems: [] },
    ]);
  });

  it("exempts a test's scripted answer, which is not the vendor's", async () => {
    const sim = createFullStorySimulator({
      faults: { script: () => ({ answer: json({ anything: true }, 418) }) },
    });
    const request = batch();
    request.headers.set("authorization", "Basic sim-key");
    expect(await observed(() => sim.handle(request))).toEqual([
      { operation: "createBatchImport", status: 418, problems: [] },
    ]);
  });
});
