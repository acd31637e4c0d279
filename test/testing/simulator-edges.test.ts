// Simulator answers an integrator's tests rely on at the edges: names an object inherits, nested property
// names, fault rates that are not shares, and a refusal undone with the upload it was part of.
import { describe, expect, it } from "vitest";
import {
  createFullStorySimulator,
  createPropellerSimulator,
  createSlashIdSimulator,
} from "../../src/testing/index.js";

const INHERITED = ["toString", "constructor", "valueOf", "hasOwnProperty"];
const FS = { authorization: "Basic sim-key", "content-type": "application/json" };

const fullStory = () => {
  const sim = createFullStorySimulator();
  const send = (path: string, body?: unknown) =>
    sim.handle(
      new Request(`https://api.fullstory.com${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: FS,
        ...(body !== undefined && { body: typeof body === "string" ? body : JSON.stringify(body) }),
      }),
    );
  return { sim, send };
};

async function propellerBulk(body: unknown) {
  const sim = createPropellerSimulator();
  const token = await sim.handle(
    new Request("https://api.helice.cloud/oauth2/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&client_id=sim-client&client_secret=sim-secret",
    }),
  );
  const { access_token } = (await token.json()) as { access_token: string };
  const answer = await sim.handle(
    new Request("https://api.helice.cloud/v2/users/bulk/sourceId", {
      method: "POST",
      headers: { authorization: `Bearer ${access_token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
  return { status: answer.status, text: await answer.text(), users: sim.users() };
}

function slashIdUpload(sim: ReturnType<typeof createSlashIdSimulator>, csv: string) {
  const form = new FormData();
  form.set("persons", new Blob([csv], { type: "text/csv" }), "persons.csv");
  return sim.handle(
    new Request("https://api.slashid.com/persons/bulk-import", {
      method: "POST",
      headers: { "SlashID-OrgID": "sim-org", "SlashID-API-Key": "sim-key" },
      body: form,
    }),
  );
}

describe("names an object inherits are names like any other", () => {
  it.each(INHERITED)(
    "propeller: an extraneous key %s is refused whole (400 10007)",
    async (key) => {
      const user = { source: "CRM", sourceId: 1, [key]: "x" };
      for (const body of [
        { users: [user] },
        { users: [{ source: "CRM", sourceId: 1 }], [key]: 1 },
      ]) {
        const { status, text, users } = await propellerBulk(body);
        expect([status, users]).toEqual([400, []]);
        expect(text).toContain(`extraneous key [${key}]`);
      }
    },
  );

  it.each([...INHERITED, "__proto__"])("slashid: a column %s is left out", async (column) => {
    const sim = createSlashIdSimulator();
    const answer = await slashIdUpload(sim, `slashid:emails,${column}\na@example.com,x\n`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ result: { successful_imports: 1, failed_imports: 0 } });
    expect(sim.persons().map((p) => p.emails)).toEqual([["a@example.com"]]);
  });

  it("fullstory: include_schema lists the type of a property named toString or valueOf", async () => {
    const { send } = fullStory();
    const properties = { toString: "x", valueOf: 2.5, hasOwnProperty: true, plain: "y" };
    const { id } = (await (await send("/v2/users", { uid: "u", properties })).json()) as {
      id: string;
    };
    const answer = await send(`/v2/users/${id}?include_schema=true`);
    const body = (await answer.json()) as { schema: { properties: Record<string, string> } };
    expect(body.schema.properties).toEqual({
      toString: "str",
      valueOf: "real",
      hasOwnProperty: "bool",
      plain: "str",
    });
  });
});

describe("fullstory: nested property names follow the top-level rule", () => {
  it("a nested name that breaks it is a 400, and so is a nested __proto__, leaving the user as it was", async () => {
    const { sim, send } = fullStory();
    expect((await send("/v2/users", '{"uid":"n","properties":{"a":{"1-bad":2}}}')).status).toBe(
      400,
    );
    expect(sim.stats().users).toBe(0);
    const first = await send("/v2/users", { uid: "u", properties: { a: { b: 1 } } });
    const { id } = (await first.json()) as { id: string };
    const polluting = '{"uid":"u","properties":{"a":{"__proto__":{"polluted":"yes"}}}}';
    expect((await send("/v2/users", polluting)).status).toBe(400);
    const held = (await (await send(`/v2/users/${id}`)).json()) as { properties: object };
    expect(held.properties).toEqual({ a: { b: 1 } });
  });
});

describe("fault rates", () => {
  it.each([Number.NaN, -1, 1.5])("a rate of %s is refused, naming it", (rate) => {
    expect(() => createFullStorySimulator({ faults: { rate429: rate, rateDrop: 1 } })).toThrow(
      new RangeError(`faults.rate429: expected a share from 0 to 1, got ${String(rate)}`),
    );
    const sim = createFullStorySimulator();
    expect(() => sim.setFaults({ rejectRate: rate })).toThrow(RangeError);
  });

  // One roll picks a band: 0.8 and 0.8 would answer 80% 429 and 20% 5xx, not 80% each.
  it("rates that add up to more than 1 are refused; up to 1, and rejectRate besides, are taken", () => {
    expect(() => createFullStorySimulator({ faults: { rate429: 0.8, rate5xx: 0.8 } })).toThrow(
      new RangeError(
        "faults: rate429 + rate5xx + rateDrop + rateSlow + rateLostAnswer: expected a sum of at most 1 (shares of the same requests), got 1.6",
      ),
    );
    const sim = createFullStorySimulator();
    expect(() => sim.setFaults({ rateDrop: 0.5, rateSlow: 0.25, rateLostAnswer: 0.5 })).toThrow(
      /^faults: .*, got 1\.25$/,
    );
    expect(() =>
      sim.setFaults({ rate429: 0.33, rate5xx: 0.56, rateDrop: 0.11, rateSlow: 0, rejectRate: 1 }),
    ).not.toThrow();
  });

  // A rate read from the environment as text would be added as text: "0.5" and "0.6" sum to "00.50.6".
  it("a rate given as text is refused, quoting it", () => {
    const faults = { rate429: "0.5" } as unknown as { rate429: number };
    expect(() => createFullStorySimulator({ faults })).toThrow(
      new RangeError('faults.rate429: expected a share from 0 to 1, got "0.5"'),
    );
  });
});

describe("slashid: an upload answered 402 as a whole", () => {
  it("counts no refusal: the client was never told of one", async () => {
    const sim = createSlashIdSimulator({
      pricingTierLimit: 1,
      faults: { reject: (key) => key === "email:c@example.com" },
    });
    const csv = "slashid:emails\na@example.com\nb@example.com\nc@example.com\n";
    expect((await slashIdUpload(sim, csv)).status).toBe(402);
    expect(sim.stats()).toMatchObject({ users: 0, rejected: 0 });
    // Sent again within the limit, the refusal is made, and counted, once.
    expect((await slashIdUpload(sim, "slashid:emails\nc@example.com\n")).status).toBe(200);
    expect(sim.stats()).toMatchObject({ users: 0, rejected: 1 });
  });

  it("keeps a refusal an earlier upload made: still counted once after the 402", async () => {
    const sim = createSlashIdSimulator({
      pricingTierLimit: 1,
      faults: { reject: (key) => key === "email:c@example.com" },
    });
    expect((await slashIdUpload(sim, "slashid:emails\nc@example.com\n")).status).toBe(200);
    expect(sim.stats()).toMatchObject({ users: 0, rejected: 1 });
    const csv = "slashid:emails\nc@example.com\na@example.com\nb@example.com\n";
    expect((await slashIdUpload(sim, csv)).status).toBe(402);
    expect(sim.stats()).toMatchObject({ users: 0, rejected: 1 });
  });
});
