// A record whose JSON holds a key twice in one object is rejected naming the key and where it was, instead of
// being imported as JSON.parse keeps it (the last value): `{"uid":"ann",…,"uid":"bob"}` imported bob with
// ann's email and reported the record imported. The records around it are imported.
import { describe, expect, it } from "vitest";
import { createSlashIdSimulator } from "../../src/testing/index.js";
import {
  CREDS,
  cli,
  fullStoryUsers,
  servedFullStory,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir();
const serve = useServedSimulators();
const ANN_THEN_BOB = '{"uid":"ann","email":"ann@example.com","uid":"bob"}';

describe("a key written twice in one object of a JSON record", () => {
  it(".ndjson: the line is rejected as input.duplicate_key naming the key; nothing of it is sent", async () => {
    const { sim, base } = await servedFullStory(serve);
    const [first, last] = fullStoryUsers(2, "dk");
    const text = [JSON.stringify(first), ANN_THEN_BOB, JSON.stringify(last)].join("\n");

    const result = await cli(["import", "fullstory", file("twice.ndjson", text), ...base]);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^fullstory: 3 records: 2 imported, 0 failed, 1 rejected/);
    expect(result.stdout).toMatch(
      /rejected \[input\.duplicate_key\] record 1 \(#1\): line 2: the key "uid" appears twice in one object/,
    );
    expect(sim.users().map((u) => u.uid)).toEqual(["dk-0", "dk-1"]);
  });

  it(".json: the array element is rejected naming its place, a nested key as well", async () => {
    const { sim, base } = await servedFullStory(serve);
    const users = fullStoryUsers(3, "dj");
    const twice = JSON.stringify(users[1]).replace('"plan":', '"plan":"gold","plan":');
    const text = `[\n${JSON.stringify(users[0])},\n${twice},\n${JSON.stringify(users[2])}\n]`;

    const result = await cli(["import", "fullstory", file("twice.json", text), ...base]);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /rejected \[input\.duplicate_key\] record 1 \(#1\): element 2: the key "plan" appears twice/,
    );
    expect(sim.users().map((u) => u.uid)).toEqual(["dj-0", "dj-2"]);
  });

  // Only keys count: a value equal to a key or to another value, or a nested object's key written again in
  // the object around it, is no key written twice.
  it(".json: values that repeat keys or each other, and keys of nested objects, are imported", async () => {
    const { sim, base } = await servedFullStory(serve);
    const text = JSON.stringify([
      { uid: "uid", display_name: "uid", email: "same@example.com" },
      { properties: { email: "other@example.com" }, uid: "nk-1", email: "same@example.com" },
      { properties: { tags: ["uid", "uid"] }, uid: "nk-2" },
    ]);

    const result = await cli(["import", "fullstory", file("values.json", text), ...base]);

    expect(result.stdout).toMatch(/^fullstory: 3 records: 3 imported, 0 failed, 0 rejected/);
    expect(sim.users().map((u) => u.uid)).toEqual(["uid", "nk-1", "nk-2"]);
  });

  it(".csv: a :json cell holding a key twice rejects its row naming the column", async () => {
    const { sim, base } = await servedFullStory(serve);
    const csv = [
      "uid,properties:json",
      'c-0,"{""plan"":""pro""}"',
      'c-1,"{""plan"":""pro"",""plan"":""free""}"',
    ].join("\n");

    const result = await cli(["import", "fullstory", file("twice.csv", csv), ...base]);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /rejected \[input\.duplicate_key\] record 1 \(#1\): line 3: column properties:json: the key "plan" appears twice/,
    );
    expect(sim.users().map((u) => u.uid)).toEqual(["c-0"]);
  });

  it("slashid: an attributes cell holding a key twice rejects its person as input.duplicate_key", async () => {
    const sim = createSlashIdSimulator();
    const { url } = await serve(sim);
    const csv = [
      "slashid:emails,slashid:attributes",
      `ann@example.com,"{""end_user_read_only"":{""plan"":""pro""}}"`,
      `bob@example.com,"{""end_user_read_only"":{""plan"":""pro""},""end_user_read_only"":{}}"`,
    ].join("\n");

    const result = await cli(["import", "slashid", file("persons.csv", csv), "--base-url", url], {
      env: { SLASHID_API_KEY: CREDS.apiKey, SLASHID_ORG_ID: CREDS.orgId },
    });

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /rejected \[input\.duplicate_key\] record 1 \(#1\): line 3: slashid:attributes: the key "end_user_read_only" appears twice/,
    );
    expect(sim.persons().map((p) => p.key)).toEqual(["ann@example.com"]);
  });
});
