// Checks a simulator's answers against its vendor's spec (a status the operation documents, its documented
// headers, the media type it documents or no body, a JSON body its schema accepts), so a simulator that
// drifts from its spec fails the test it answered.
import { isInjectedFault, isScriptedAnswer } from "../../src/testing/faults.js";
import type { SimulatorAnswer } from "../../src/testing/kit/simulator-kit.js";
import { loadSpec, VENDORS, type DocumentedResponse, type Spec, type Vendor } from "./specs.js";

const isVendor = (name: string): name is Vendor => (VENDORS as readonly string[]).includes(name);

/** Per vendor, each operation's documented responses: read from the spec once, not at every answer. */
const documentedByVendor = new Map<Vendor, ReadonlyMap<string, readonly DocumentedResponse[]>>();
function documentedResponses(vendor: Vendor, operationId: string): readonly DocumentedResponse[] {
  let byOperation = documentedByVendor.get(vendor);
  if (byOperation === undefined) {
    const operations = loadSpec(vendor).operations();
    byOperation = new Map(operations.map((op) => [op.operationId, op.responses]));
    documentedByVendor.set(vendor, byOperation);
  }
  return byOperation.get(operationId) ?? [];
}

/** What is wrong with one answer, each problem naming the operation; never consumes the body. */
export async function answerProblems(answer: SimulatorAnswer): Promise<string[]> {
  const { vendor, route, response } = answer;
  // A gateway's page (the lost-answer fault) and a script's answer are not the vendor's.
  if ([502, 504].includes(response.status) || isScriptedAnswer(response) || !isVendor(vendor))
    return [];
  const { operationId } = route;
  const status = String(response.status);
  const documented = documentedResponses(vendor, operationId).find((r) => r.status === status);
  if (documented === undefined)
    return isInjectedFault(response)
      ? []
      : [`status ${status} is not documented for ${operationId}`];
  const spec = loadSpec(vendor);
  const problems = headerProblems(spec, response, documented).map(
    (problem) => `${operationId} ${status} ${problem}`,
  );
  const type = response.headers.get("content-type") ?? "";
  const { mediaType } = documented;
  if (mediaType === null) {
    if ((await response.clone().text()) !== "")
      problems.push(`${operationId} ${status} documents no body, the answer has one`);
    return problems;
  }
  if (!/[/+]json$/i.test(mediaType)) {
    const essence = type.split(";")[0]?.trim().toLowerCase();
    if (essence !== mediaType.toLowerCase())
      problems.push(
        `${operationId} ${status} documents a ${mediaType} body, the answer is ${type}`,
      );
    return problems;
  }
  if (documented.schema === null) return problems;
  if (!/[/+]json\b/i.test(type))
    return [...problems, `${operationId} ${status} documents a JSON body, the answer is not JSON`];
  let body: unknown;
  try {
    body = JSON.parse(await response.clone().text());
  } catch {
    return [...problems, `${operationId} ${status}: the body is not JSON`];
  }
  const bodyProblems = spec.problems(documented.schema.pointer, body);
  return [
    ...problems,
    ...bodyProblems.map((problem) => `${operationId} ${status} body ${problem}`),
  ];
}

/** A required header the answer lacks, or one it sends that the header's schema refuses. */
function headerProblems(spec: Spec, response: Response, documented: DocumentedResponse): string[] {
  return documented.headers.flatMap(({ name, required, schema }) => {
    const value = response.headers.get(name);
    if (value === null) return required ? [`lacks the required header ${name}`] : [];
    if (schema === null) return [];
    // A header is text: a number its schema asks for is read from it, as a client reads it.
    const numeric = ["integer", "number"].includes(String(schema.value["type"]));
    const read = numeric && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    return spec.problems(schema.pointer, read).map((p) => `header ${name} ${p}`);
  });
}

/** Passes each problem of each answer to `report`, prefixed with the vendor, the request and the status. */
export const reportAnswerProblems =
  (report: (problem: string) => void) =>
  async (answer: SimulatorAnswer): Promise<void> => {
    const problems = await answerProblems(answer).catch((error: unknown) => [
      `the check failed: ${error instanceof Error ? error.message : String(error)}`,
    ]);
    const { method, url } = answer.request;
    const where = `${answer.vendor} simulator: ${method} ${new URL(url).pathname} → ${answer.response.status}`;
    for (const problem of problems) report(`${where}: ${problem}`);
  };
