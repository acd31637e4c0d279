// A CSV header that would lose cells is a usage error naming the columns: a field named by two columns keeps
// only one cell, and a field that is both a value and the parent of another keeps only one of them.
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { clashingHeader } from "../../src/cli/read-records.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import {
  CREDS,
  FAST_POLL,
  cli,
  totalRequests,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-csv-clash-");
const serve = useServedSimulators();

const CLASHES = [
  {
    title: "a column named twice",
    header: "uid,email,email",
    message: "the CSV header names the column email twice",
  },
  {
    title: "a column named twice, once with a type",
    header: "uid,properties.seats,properties.seats:number",
    message: "the CSV columns properties.seats and properties.seats:number both name the field",
  },
  {
    title: "a value column before a column inside it",
    header: "uid,properties,properties.plan",
    message: "the CSV column properties is a value, and properties.plan puts a field inside it",
  },
  {
    title: "a column inside a value column before it",
    header: "uid,properties.plan,properties",
    message: "the CSV column properties is a value, and properties.plan puts a field inside it",
  },
  {
    title: "a typed value column and a column two levels inside it",
    header: "uid,properties:json,properties.a.b",
    message: "the CSV column properties:json is a value, and properties.a.b puts a field inside it",
  },
  {
    title: "a value column two levels down and a column inside it",
    header: "uid,properties.plan,properties.plan.tier",
    message:
      "the CSV column properties.plan is a value, and properties.plan.tier puts a field inside it",
  },
];

describe("CSV headers that would lose cells", () => {
  for (const { title, header, message } of CLASHES) {
    it(`${title} (${header}): exit 2 naming the columns; nothing is sent`, async () => {
      const sim = createFullStorySimulator({ processingPolls: 0 });
      const { url } = await serve(sim);
      const cells = header.split(",").map(() => faker.string.alphanumeric(6));
      const input = file("clash.csv", `${header}\n${cells.join(",")}\n`);
      const base = ["--base-url", url, "--api-key", CREDS.apiKey, ...FAST_POLL];

      const dry = await cli(["import", "fullstory", input, "--dry-run"]);
      const result = await cli(["import", "fullstory", input, ...base]);

      for (const run of [dry, result]) {
        expect(run.code).toBe(2);
        expect(run.stderr).toContain(`${input}: ${message}`);
      }
      expect(totalRequests(sim)).toBe(0);
      expect(sim.users()).toEqual([]);
    });
  }

  it("fields that only share a prefix, and unnamed trailing columns, are not a clash", async () => {
    expect(clashingHeader(["uid", "properties", "propertiesx.plan", "properties-y", "", ""])).toBe(
      undefined,
    );
    const uid = faker.string.uuid();
    const csv = `uid,email,properties.plan,properties.seats:number,,\n${uid},a@example.com,pro,3,,\n`;
    const result = await cli(["import", "fullstory", file("fine.csv", csv), "--dry-run"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dry run: 1 records, 1 valid, 0 rejected");
  });
});
