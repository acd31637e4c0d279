// Checks a simulator's answers against its vendor's spec (a status the operation documents, a JSON body its
// schema accepts), so a simulator that drifts from its spec fails the test it answered.
import { isInjectedFault, isScriptedAnswer } from "../../src/testing/faults.js";
import type { SimulatorAnswer } from "../../src/testing/kit/simulator-kit.js";
import { loadSpec, VENDORS, type DocumentedResponse, type Vendor } from "./specs.js";

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
  if (documented.schema === null || !/[/+]json$/i.test(documented.mediaType ?? "")) return [];
  if (!/[/+]json\b/i.test(response.headers.get("content-type") ?? ""))
    return [`${operationId} ${status} documents a JSON body, the answer is not JSON`];
  let body: unknown;
  try {
    body = JSON.parse(await response.clone().text());
  } catch {
    return [`${operationId} ${status}: the body is not JSON`];
  }
  return loadSpec(vendor)
    .problems(documented.schema.pointer, body)
    .map((problem) => `${operationId} ${status} body ${problem}`);
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
