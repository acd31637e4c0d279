// Raw requests to the simulators' handlers, so tests see exactly what a fault does to an answer (a thrown
// DropConnection, a gateway page) without a client's retries in between.
import { stringify } from "csv-stringify/sync";
import type { Faker } from "@faker-js/faker";
import { expect } from "vitest";
import { fullStoryUser } from "../../src/testing/fixtures/fullstory.js";
import { propellerUser } from "../../src/testing/fixtures/propeller.js";
import type { VendorSimulator } from "../../src/testing/simulator.js";

export type Row = Record<string, string>;

export const fullStoryBatch = (f: Faker, n: number) => ({
  // An `id` must name a stored user: new users have none.
  requests: Array.from({ length: n }, () => {
    const { id: _id, ...user } = fullStoryUser(f);
    return user;
  }),
});

export function fullStoryPost(
  sim: VendorSimulator,
  body: unknown,
  key?: string,
): Promise<Response> {
  return sim.handle(
    new Request("http://fs.test/v2/users/batch", {
      method: "POST",
      headers: {
        Authorization: "Basic sim-key",
        "Content-Type": "application/json",
        ...(key === undefined ? {} : { "Idempotency-Key": key }),
      },
      body: JSON.stringify(body),
    }),
  );
}

export const fullStoryGet = (sim: VendorSimulator, path: string) =>
  sim.handle(new Request(`http://fs.test${path}`, { headers: { Authorization: "Basic sim-key" } }));

export const slashIdRows = (f: Faker, n: number): Row[] =>
  Array.from({ length: n }, () => ({
    "slashid:emails": f.internet.email().toLowerCase(),
    "slashid:groups": f.word.noun(),
  }));

export function slashIdUpload(sim: VendorSimulator, rows: readonly Row[]): Promise<Response> {
  const form = new FormData();
  const csv = stringify([...rows], {
    header: true,
    columns: ["slashid:emails", "slashid:groups"],
  });
  form.set("persons", new Blob([csv], { type: "text/csv" }), "persons.csv");
  return sim.handle(
    new Request("http://slashid.test/persons/bulk-import", {
      method: "POST",
      headers: { "SlashID-OrgID": "sim-org", "SlashID-API-Key": "sim-key" },
      body: form,
    }),
  );
}

export const propellerUsers = (f: Faker, n: number) =>
  Array.from({ length: n }, () => {
    // A parent must exist at Propeller: new users have none.
    const { parent: _parent, ...user } = propellerUser(f);
    return user;
  });

/** The simulator's answer to a token request with its default credentials. */
export const propellerTokenAnswer = (sim: VendorSimulator) =>
  sim.handle(
    new Request("http://propeller.test/oauth2/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: "sim-client",
        client_secret: "sim-secret",
      }),
    }),
  );

export async function propellerToken(sim: VendorSimulator): Promise<string> {
  const response = await propellerTokenAnswer(sim);
  return ((await response.json()) as { access_token: string }).access_token;
}

export const propellerPost = (sim: VendorSimulator, token: string, users: unknown[]) =>
  sim.handle(
    new Request("http://propeller.test/v2/users/bulk/sourceId", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ users }),
    }),
  );

export const userpilotUsers = (f: Faker, n: number) =>
  Array.from({ length: n }, () => ({
    user_id: f.string.uuid(),
    metadata: { name: f.person.fullName(), plan: f.word.noun() },
  }));

export const userpilotPost = (sim: VendorSimulator, users: unknown[]) =>
  sim.handle(
    new Request("http://userpilot.test/v1/users/bulk_identify", {
      method: "POST",
      headers: { Authorization: "Token sim-key", "Content-Type": "application/json" },
      body: JSON.stringify({ users }),
    }),
  );

export const userpilotGet = (sim: VendorSimulator, path: string) =>
  sim.handle(
    new Request(`http://userpilot.test${path}`, { headers: { Authorization: "Token sim-key" } }),
  );

/** A gateway's HTML page in place of the vendor's answer. */
export async function gatewayPage(response: Response): Promise<{ status: number; html: string }> {
  expect(response.headers.get("content-type")).toBe("text/html");
  return { status: response.status, html: await response.text() };
}
