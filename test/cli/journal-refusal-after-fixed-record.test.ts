// The operator's next step after a vendor refused records: fix them in the input and run again. With the
// journal of that run, the input differs, and the run is refused, offering a new journal. A new journal
// sends every record it is given again (for SlashID, persons it holds already come back refused as existing),
// so the refusal says so, rather than leave it to be found out after the import.
import { describe, expect, it } from "vitest";
import { createSlashIdSimulator } from "../../src/testing/index.js";
import { cli, ndjson, slashIdPersons, useServedSimulators, useTempDir } from "./helpers.js";

const file = useTempDir("bui-fixed-record-");
const serve = useServedSimulators();

describe("a journal re-run with a record fixed after the vendor refused it", () => {
  it("is refused before anything is sent, saying that a new journal sends every record again", async () => {
    const persons = slashIdPersons(6, "fx");
    const refused = persons[4]!.emails[0]!;
    const sim = createSlashIdSimulator({ faults: { reject: (key) => key === `email:${refused}` } });
    const { url } = await serve(sim);
    const journal = file("fixed.journal");
    const run = (input: string) =>
      cli([
        ...["import", "slashid", input, "--base-url", url, "--api-key", "sim-key"],
        ...["--org-id", "sim-org", "--chunk-size", "3", "--journal", journal],
      ]);
    const first = await run(file("fx.ndjson", ndjson(persons)));
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/^slashid: 6 records: 5 imported, 1 failed, 0 rejected/);
    const uploads = sim.uploads().length;

    const fixed = persons.map((p, i) => (i === 4 ? { ...p, emails: ["fx.fixed@example.com"] } : p));
    const again = await run(file("fx-fixed.ndjson", ndjson(fixed)));

    expect(again.code).toBe(2);
    expect(again.stderr).toContain(
      `journal ${journal}: chunk 1 holds different records than in the run that wrote it; resume with the ` +
        "same input (its records, and each record's fields, in the same order), or start a new journal, " +
        "which sends every record again\n",
    );
    expect(sim.uploads()).toHaveLength(uploads);
  });
});
