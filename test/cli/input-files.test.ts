// How the CLI reads its input file: pipes and directories, CSV columns that name no field, :json cells whose
// numbers would change, and a dry run that rejects what the import rejects.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createFullStorySimulator, createUserpilotSimulator } from "../../src/testing/index.js";
import {
  CREDS,
  FAST_POLL,
  cli,
  servedFullStory,
  steppingClock,
  totalRequests,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const file = useTempDir("bui-cli-input-");
const serve = useServedSimulators();

describe("--dry-run and an import reject the same records", () => {
  it("userpilot: a user whose body alone is over the 50 MiB request limit is rejected by both", async () => {
    const huge = "x".repeat(50 * 1024 * 1024);
    const input = file(
      "huge.ndjson",
      [
        JSON.stringify({ user_id: "small-1", metadata: { plan: "pro" } }),
        JSON.stringify({ user_id: "huge", metadata: { notes: huge } }),
        JSON.stringify({ user_id: "small-2", metadata: { plan: "free" } }),
      ].join("\n") + "\n",
    );

    const sim = createUserpilotSimulator(steppingClock());
    const { url } = await serve(sim);
    const real = await cli(["import", "userpilot", input, "--base-url", url, ...FAST_POLL], {
      env: { USERPILOT_API_KEY: CREDS.apiKey },
    });
    const dry = await cli(["import", "userpilot", input, "--dry-run"]);

    // The import refuses the record before sending anything of it.
    expect(real.code).toBe(1);
    expect(real.stdout).toMatch(/3 records: 2 imported, 0 failed, 1 rejected/);
    expect(real.stdout).toContain("userpilot.payload_size");
    // The dry run, which is there to say what an import would reject, must say the same.
    expect(dry.stdout).toContain("dry run: 3 records, 2 valid, 1 rejected");
    expect(dry.stdout).toMatch(/record 1 \(huge\): \[userpilot\.payload_size\]/);
    expect(dry.code).toBe(1);
  }, 60_000);
});

describe("an input that is not a regular file", () => {
  for (const ext of ["csv", "ndjson", "json"]) {
    it(`a directory named like a .${ext} file is a usage error naming it (exit 2), not a crash`, async () => {
      const dir = file(`folder.${ext}`);
      mkdirSync(dir);
      const result = await Promise.race([
        cli(["import", "fullstory", dir, "--dry-run"]),
        new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), 3000).unref()),
      ]);
      expect(result).not.toBe("hung");
      if (result === "hung") return;
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(dir);
    });
  }

  it("a CSV read from a named pipe (FIFO): every row is read, once", async () => {
    const rows = Array.from({ length: 5 }, (_, i) => `u-${i},u${i}@example.com`);
    const source = file("pipe-source.csv", `uid,email\n${rows.join("\n")}\n`);
    const fifo = file("users-pipe.csv");
    execFileSync("mkfifo", [fifo]);
    // The writer, as a shell pipeline would feed it: it opens the pipe once, writes the file, and closes it.
    const writer = spawn("sh", ["-c", 'cat "$0" > "$1"', source, fifo], { stdio: "ignore" });
    // Were the pipe opened a second time (for the rows after a look at the header), no writer would come
    // back: the reader would wait forever. An empty writer after a while ends such a wait, so the test ends.
    const unblock = setTimeout(() => {
      spawn("sh", ["-c", ': > "$0"', fifo], { stdio: "ignore" });
    }, 3000);
    try {
      const sim = createFullStorySimulator({ processingPolls: 0 });
      const { url } = await serve(sim);
      const result = await cli([
        "import",
        "fullstory",
        fifo,
        "--base-url",
        url,
        "--api-key",
        CREDS.apiKey,
        ...FAST_POLL,
      ]);
      expect(result.stdout).toMatch(/^fullstory: 5 records: 5 imported/);
      expect(result.code).toBe(0);
      expect(
        sim
          .users()
          .map((u) => u.uid)
          .sort(),
      ).toEqual(["u-0", "u-1", "u-2", "u-3", "u-4"]);
    } finally {
      clearTimeout(unblock);
      writer.kill();
    }
  }, 20_000);
});

describe("fullstory CSV headers that name no FullStory field", () => {
  it("UID,Email (another case) or ' email' (a blank after the comma): the row is rejected naming the column, nothing reaches FullStory", async () => {
    const { sim, base } = await servedFullStory(serve);
    const input = file(
      "capitalised.csv",
      "UID,Email,display_name\nu-1,a@example.com,Ada\nu-2,b@example.com,Bo\n",
    );
    const real = await cli(["import", "fullstory", input, ...base]);
    const dry = await cli(["import", "fullstory", input, "--dry-run"]);

    // FullStory got two users holding none of the row's uid and email (anonymous users) before.
    expect(sim.users()).toEqual([]);
    expect(totalRequests(sim)).toBe(0);
    expect(real.stdout).toMatch(/2 records: 0 imported, 0 failed, 2 rejected/);
    expect(real.stdout).toMatch(/\[input\.unknown_column\] .*line 2: column "UID"/);
    expect(dry.stdout).toContain("dry run: 2 records, 0 valid, 2 rejected");

    const spaced = await cli([
      "import",
      "fullstory",
      file("spaced.csv", "uid, email\nu-3, c@example.com\n"),
      "--dry-run",
    ]);
    expect(spaced.stdout).toMatch(/\[input\.unknown_column\] line 2: column " email"/);
    expect(spaced.code).toBe(1);
  });

  it("the fields FullStory has, dotted properties and typed columns still import", async () => {
    const { sim, base } = await servedFullStory(serve);
    const result = await cli([
      "import",
      "fullstory",
      file(
        "known.csv",
        "uid,email,display_name,properties.plan,properties.seats:number,,\nu-1,a@example.com,Ada,pro,3,,\n",
      ),
      ...base,
    ]);
    expect(result.code).toBe(0);
    expect(sim.users()).toMatchObject([
      { uid: "u-1", email: "a@example.com", properties: { plan: "pro", seats: 3 } },
    ]);
  });
});

describe("a :json CSV cell with an integer JSON.parse would round", () => {
  it("is rejected naming its line and column, as the same cell under :number is", async () => {
    const result = await cli([
      "import",
      "fullstory",
      file(
        "json-ids.csv",
        "uid,properties.account:number,properties.accounts:json\n" +
          "u-1,12345678901234567890,\n" +
          'u-2,,"[1, 12345678901234567890]"\n' +
          'u-3,42,"{""ok"": [1, 2.5, -0, 9007199254740991, ""12345678901234567890""]}"\n',
      ),
      "--dry-run",
    ]);
    expect(result.stdout).toMatch(
      /record 0 \(#0\): \[input\.type\] line 2: column properties\.account:number/,
    );
    // Sent, it would reach FullStory as 12345678901234567000: another account.
    expect(result.stdout).toMatch(
      /record 1 \(#1\): \[input\.type\] line 3: column properties\.accounts:json: not JSON whose numbers keep their value/,
    );
    expect(result.stdout).toContain("dry run: 3 records, 1 valid, 2 rejected");
  });
});
