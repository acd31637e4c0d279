// The CLI never reports a SlashID person imported without data its input held: a CSV column SlashID does not
// have (a typo in the header) or a field a person does not have rejects the person naming it, and a number
// too large for a double (`1e400`, read as Infinity) is rejected instead of reaching SlashID as null.
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { createSlashIdSimulator } from "../../src/testing/index.js";
import { CREDS, cli, useServedSimulators, useTempDir } from "../cli/helpers.js";

const file = useTempDir("bui-slashid-kept-");
const serve = useServedSimulators();

const email = () => faker.internet.email().toLowerCase();

async function servedSlashId() {
  const sim = createSlashIdSimulator();
  const { url } = await serve(sim);
  return { sim, flags: ["--base-url", url, "--api-key", CREDS.apiKey, "--org-id", CREDS.orgId] };
}

describe("slashid import: what the input holds is sent, or the person is rejected", () => {
  it("a misspelled CSV column rejects each person that fills it, naming the column; nothing is sent without it", async () => {
    const { sim, flags } = await servedSlashId();
    const [ada, bob, cy] = [email(), email(), email()];
    const csv =
      "slashid:emails,slashid:phone_number,slashid:region\n" +
      `${ada},+32 470 12 34 56,europe-belgium\n` +
      `${bob},"+32 470 65 43 21",europe-belgium\n` +
      `${cy},,europe-belgium\n`;

    const result = await cli(["import", "slashid", file("typo.csv", csv), ...flags]);

    expect(result.code).toBe(1);
    for (const key of [ada, bob]) {
      expect(result.stdout).toMatch(
        new RegExp(
          `\\[slashid\\.unknown_field\\].*\\(${escape(key)}\\): slashid:phone_number: unknown field`,
        ),
      );
    }
    // A row whose cell is empty loses nothing, and is imported.
    expect(sim.persons().map((p) => p.emails)).toEqual([[cy]]);
  });

  it("an .ndjson person with a field SlashID's person does not have fails a dry run, naming the field", async () => {
    const person = { emails: [email()], phone_number: faker.phone.number() };
    const input = file("unknown.ndjson", `${JSON.stringify(person)}\n`);

    const result = await cli(["import", "slashid", input, "--dry-run"]);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `record 0 (${person.emails[0]}): [slashid.unknown_field] phone_number: unknown field; a person has only emails, phone_numbers,`,
    );
  });

  it("an attribute value of 1e400 is rejected naming its path, and SlashID stores no null for it", async () => {
    const { sim, flags } = await servedSlashId();
    const [ada, bob] = [email(), email()];
    const text =
      `{"emails":["${ada}"],"attributes":{"end_user_read_write":{"credits":1e400}}}\n` +
      `{"emails":["${bob}"],"attributes":{"end_user_read_write":{"credits":7}}}\n`;

    const result = await cli(["import", "slashid", file("inf.ndjson", text), ...flags]);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /\[slashid\.not_finite\].*: attributes\.end_user_read_write\.credits: a number that is not finite/,
    );
    expect(sim.persons().map((p) => [p.emails, p.attributes])).toEqual([
      [[bob], { end_user_read_write: { credits: 7 } }],
    ]);
  });

  it("a list value's blanks are read away from a CSV cell, and refused unquoted in .ndjson", async () => {
    const { sim, flags } = await servedSlashId();
    const [ada, bob] = [email(), email()];
    const group = faker.company.name().replaceAll(",", "");
    const csv = `slashid:emails,slashid:groups\n" ${ada} ","${group}\t"\n`;
    const ndjson = `${JSON.stringify({ emails: [bob], groups: [`${group}\t`] })}\n`;

    const fromCsv = await cli(["import", "slashid", file("padded.csv", csv), ...flags]);
    const fromNdjson = await cli(["import", "slashid", file("padded.ndjson", ndjson), ...flags]);

    expect(fromCsv.code).toBe(0);
    expect(fromNdjson.code).toBe(1);
    expect(fromNdjson.stdout).toContain(
      `rejected [slashid.blanks_around] record 0 (${bob}): groups.0: must not have blanks around it`,
    );
    expect(fromNdjson.stdout).not.toContain(group);
    expect(sim.persons().map((p) => [p.emails, p.groups])).toEqual([[[ada], [group]]]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
