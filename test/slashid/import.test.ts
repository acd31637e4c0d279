// importUsers against the simulated SlashID (test/slashid/harness.ts): persons go up as CSV files, the
// vendor's synchronous answer (counts and `failed_csv`) becomes one outcome per record, faults and
// interruptions never lose or double-count a record, and a journal resumes an interrupted import.
import { describe, expect, it } from "vitest";
import type { ImportReport } from "../../src/core/engine/report.js";
import { createSlashIdAdapter } from "../../src/slashid/adapter.js";
import { importUsers, type SlashIdImportOptions } from "../../src/slashid/import.js";
import { personFromCsvRow, type SlashIdPerson } from "../../src/slashid/records.js";
import { checkSlashIdPerson } from "../../src/slashid/validate.js";
import type { FaultKind } from "../../src/testing/faults.js";
import type { SlashIdSimulator } from "../../src/testing/slashid.js";
import { journalFile } from "../support/journal-file.js";
import { useMswServer } from "../support/msw.js";
import { essence, expectEveryRecordOnce, indexesWith, outcomesWith } from "../support/report.js";
import {
  abortingAfter,
  emailKey,
  failedCsv,
  persons,
  rewriteFailedCsv,
  slashIdClient,
  slashIdWorld,
  vendorError,
  type Row,
} from "./harness.js";

const server = useMswServer();

const CONFIRMED = [
  "slashid:emails",
  "slashid:phone_numbers",
  "slashid:usernames",
  "slashid:region",
  "slashid:groups",
  "slashid:attributes",
];

function run(
  records: Iterable<SlashIdPerson> | AsyncIterable<SlashIdPerson>,
  options: SlashIdImportOptions = {},
  client = slashIdClient(),
): Promise<ImportReport> {
  return importUsers(client, records, { sleep: async () => {}, ...options });
}

/** SlashID holds `n` persons, each created by one upload and never written again. */
function expectCreatedOnce(sim: SlashIdSimulator, n: number): void {
  expect(sim.stats()).toMatchObject({ users: n, duplicates: 0, rewrites: 0 });
  expect(sim.persons().map((p) => p.uploads.length)).toEqual(Array(n).fill(1));
}

describe("sending", () => {
  it("uploads chunkRecords persons per file (sizes on the wire), in input order, conforming to the spec", async () => {
    const { sim, fileSizes, violations } = slashIdWorld(server);
    const input = persons("multi-chunk", 25);
    const report = await run(input, { chunkRecords: 10 });

    expect(fileSizes()).toEqual([10, 10, 5]);
    expect(violations).toEqual([]);
    expectEveryRecordOnce(report, 25);
    expect(report.imported).toBe(25);
    expect(report.chunks).toEqual({ sent: 3, resumed: 0, replayed: 0 });
    expect(report.outcomes.map((o) => o.key)).toEqual(input.map((p) => p.emails![0]));
    // Every file carries the six confirmed columns only; its rows are the persons, in order.
    for (const upload of sim.uploads()) expect(upload.columns).toEqual(CONFIRMED);
    const uploaded = sim
      .uploads()
      .flatMap((u) => u.rows)
      .map((row) => personFromCsvRow(row));
    expect(uploaded).toEqual(input);
    expectCreatedOnce(sim, 25);
  });

  it("uploads 1,000 persons per file by default, one file at a time", async () => {
    expect(createSlashIdAdapter(slashIdClient()).defaults).toEqual({
      chunkRecords: 1_000,
      concurrency: 1,
    });
    const { fileSizes } = slashIdWorld(server);
    const report = await run(
      Array.from({ length: 1001 }, (_, i) => ({ usernames: [`user-${i}`] })),
    );
    expect(fileSizes()).toEqual([1000, 1]);
    expect(report.imported).toBe(1001);
  });

  it("adds the roles / password columns only to files with a person that has them", async () => {
    const { sim, violations } = slashIdWorld(server);
    const input = persons("unconfirmed-columns", 6);
    input[1]!.roles = ["owner", "billing"];
    input[4]!.password = "$2a$10$abcdefghijklmnopqrstuv";
    const report = await run(input, { chunkRecords: 2 });
    expect(report.imported).toBe(6);
    const uploads = sim.uploads();
    expect(uploads.map((u) => u.columns)).toEqual([
      [...CONFIRMED, "slashid:roles"],
      CONFIRMED,
      [...CONFIRMED, "slashid:password"],
    ]);
    expect(uploads[0]!.rows[1]!["slashid:roles"]).toBe("owner,billing");
    expect(uploads[0]!.rows[0]!["slashid:roles"]).toBe("");
    expect(violations).toEqual([]);
  });

  it("puts several emails (and phones, usernames, groups) comma-separated into one quoted cell", async () => {
    const { sim, bodies, violations } = slashIdWorld(server);
    const person: SlashIdPerson = {
      emails: ["jane.doe@example.com", "jane@example.org", "j.doe@example.net"],
      phone_numbers: ["+13475043201", "+447700900123"],
      usernames: ["janedoe", "jdoe"],
      groups: ["admins", "editors", "ops"],
    };
    const report = await run([person]);
    expect(report.outcomes).toEqual([
      { index: 0, key: "jane.doe@example.com", outcome: "imported" },
    ]);
    expect(bodies[0]).toContain('"jane.doe@example.com,jane@example.org,j.doe@example.net"');
    expect(sim.uploads()[0]!.rows[0]).toMatchObject({
      "slashid:emails": "jane.doe@example.com,jane@example.org,j.doe@example.net",
      "slashid:groups": "admins,editors,ops",
    });
    expect(violations).toEqual([]);
  });

  it("round-trips commas, quotes, \\n and \\r\\n line breaks and unicode in every cell", async () => {
    const { sim, violations } = slashIdWorld(server);
    const tricky: SlashIdPerson[] = [
      {
        emails: ["δοκιμή@παράδειγμα.δοκιμή", "用户@例子.广告"],
        usernames: ['O"Brien', "line\nbreak", "crlf\r\nbreak", "😀🚀", "مستخدم", "e\u0301\u0327"],
        region: "asia-japan",
        groups: ['say "hi"', "multi\nline", "עברית", "中文组", "👩‍👩‍👧"],
        roles: ["rôle\r\nnaïve"],
        attributes: {
          end_user_read_write: {
            "note, with comma": 'He said "hi", then\nleft\r\nfor good',
            "键🔑": ["😀", "שלום", "a\u0301"],
            nested: { 'quote"key': "x,y", empty: "" },
          },
          "person_pool-end_user_no_access": { crm_id: "C-1042" },
        },
        password: 'pa,ss"wo\nrd\r\n',
      },
      { phone_numbers: ["+81 (3) 1234-5678"], usernames: ["plain"] },
      { usernames: ["\u202Eevil\u202C", 'trailing-quote"'], groups: ['"'] },
    ];
    const report = await run(tricky);
    expect(report.imported).toBe(3);
    expect(violations).toEqual([]);
    const rows = sim.uploads()[0]!.rows;
    // What the vendor parsed is the row the adapter meant to write, cell for cell ...
    tricky.forEach((person, i) => {
      const checked = checkSlashIdPerson(person);
      const expected: Record<string, string> = {
        ...Object.fromEntries(
          [...CONFIRMED, "slashid:roles", "slashid:password"].map((c) => [c, ""]),
        ),
        ...(checked.ok ? checked.item : {}),
      };
      expect(rows[i]).toEqual(expected);
    });
    // ... and reading it back gives the input person.
    expect(rows.map((row) => personFromCsvRow(row))).toEqual(tricky);
  });
});

describe("follow-through", () => {
  it("maps failed_csv rows back to the right records by handle, with SlashID's reason", async () => {
    const input = persons("failed-csv", 12);
    const bad = new Set([1, 4, 5, 11].map((i) => emailKey(input[i]!.emails![0]!)));
    slashIdWorld(server, {
      reject: (key) => bad.has(key),
      reasons: (row) => `invalid person: ${row["slashid:emails"]}, "quoted"\ndetail`,
    });
    const report = await run(input, { chunkRecords: 6 });

    expectEveryRecordOnce(report, 12);
    expect(indexesWith(report, "failed")).toEqual([1, 4, 5, 11]);
    for (const o of report.outcomes) {
      if (o.outcome !== "failed") continue;
      expect(o.code).toBe("rejected_by_vendor");
      expect(o.reason).toBe(`invalid person: ${input[o.index]!.emails![0]}, "quoted"\ndetail`);
      expect(o.key).toBe(input[o.index]!.emails![0]);
    }
    expect(report.imported).toBe(8);
  });

  it("maps them back when they come in another order, under an oddly named reason column", async () => {
    const input = persons("failed-csv-order", 10);
    const reasons = new Map([
      [input[2]!.emails![0]!, "email already taken"],
      [input[3]!.emails![0]!, "region not enabled"],
      [input[8]!.emails![0]!, "group does not exist"],
    ]);
    const column = "Failure Reason (détails)";
    slashIdWorld(server, {
      reject: (key) => [...reasons.keys()].some((email) => emailKey(email) === key),
      // Last-first, under another name.
      script: () =>
        rewriteFailedCsv((rows, header) =>
          failedCsv(
            header.map((c) => (c === "reason" ? column : c)),
            rows.reverse().map((row) => ({
              ...row,
              [column]: reasons.get(row["slashid:emails"] ?? "") ?? "",
            })),
          ),
        ),
    });
    const report = await run(input);
    expect(outcomesWith(report, "failed").map((o) => [o.index, o.reason])).toEqual([
      [2, "email already taken"],
      [3, "region not enabled"],
      [8, "group does not exist"],
    ]);
  });

  it("matches rows by phone number or username, as SlashID may normalise them, and shared handles in turn", async () => {
    const input: SlashIdPerson[] = [
      { usernames: ["Shared"] },
      { phone_numbers: ["+1 (347) 504-3201"] },
      { usernames: ["Shared"], groups: ["second"] },
      { usernames: ["ok"] },
      { emails: ["Mixed.Case@Example.com"] },
    ];
    // SlashID echoes handles in its own normal form.
    const normalised = (row: Row): Row => ({
      ...row,
      "slashid:emails": (row["slashid:emails"] ?? "").toLowerCase(),
      "slashid:phone_numbers": (row["slashid:phone_numbers"] ?? "").replace(/[^+\d]/g, ""),
      "slashid:usernames": (row["slashid:usernames"] ?? "").toLowerCase(),
      reason: "rejected",
    });
    slashIdWorld(server, {
      reject: (key) => key !== "username:ok",
      script: () => rewriteFailedCsv((rows, header) => failedCsv(header, rows.map(normalised))),
    });
    const report = await run(input);
    expect(indexesWith(report, "failed")).toEqual([0, 1, 2, 4]);
    expect(report.imported).toBe(1);
  });

  it("keeps the reason when failed_csv has extra columns, and says so when it has none", async () => {
    const input = persons("reason-columns", 3);
    const answered = [
      '"slashid:emails","error","code"',
      `"${input[0]!.emails![0]}","bad email","E1"`,
      `"${input[2]!.emails![0]}","",""`,
      "",
    ].join("\n");
    slashIdWorld(server, {
      reject: (key) => key !== emailKey(input[1]!.emails![0]!),
      script: () => rewriteFailedCsv(() => answered),
    });
    const report = await run(input);
    expect(report.outcomes).toEqual([
      expect.objectContaining({
        index: 0,
        code: "rejected_by_vendor",
        reason: "error: bad email; code: E1",
      }),
      expect.objectContaining({ index: 1, outcome: "imported" }),
      expect.objectContaining({
        index: 2,
        code: "rejected_by_vendor",
        reason: "SlashID listed the row as failed and gave no reason",
      }),
    ]);
  });

  // SlashID's reason is what a row holds beside the person's own columns, wherever it put it.
  it.each([
    [
      "a slashid:* column of its own",
      '"slashid:emails","slashid:error"\n"<e>","bad email"',
      "bad email",
    ],
    ["a cell past the header's last column", '"slashid:emails"\n"<e>","bad email"', "bad email"],
    // Quoted as SlashID wrote it: not split on its commas, nor padded with the empty cells after it.
    [
      "a reason with an unquoted comma",
      '"slashid:emails","reason"\n"<e>",bad, email,,',
      "bad, email",
    ],
    [
      "an unnamed reason with an unquoted comma",
      '"slashid:emails"\n"<e>",bad, email',
      "bad, email",
    ],
    // Column names compare trimmed and in any case; a reason's own padding is not part of it.
    [
      "a header in capitals, padded",
      '" SlashID:Emails ","Reason"\n"<e>"," bad email "',
      "bad email",
    ],
    [
      "padded columns of their own",
      '"slashid:emails"," code ","detail"\n"<e>"," E1 "," bad email "',
      "code: E1; detail: bad email",
    ],
    // The unnamed reason is not labelled with the (person) column before it.
    [
      "a named column and an unnamed one",
      '"slashid:error","slashid:emails"\n"dup","<e>",extra',
      "slashid:error: dup; extra",
    ],
    // Blank lines (a CRLF doubled, a trailing one) are no failed rows: nobody else is put in doubt.
    ["a CSV with blank lines", '"slashid:emails","reason"\n\n"<e>","bad email"\n\n', "bad email"],
    // A byte-order mark before a quoted header.
    ["a CSV opening with a BOM", '\uFEFF"slashid:emails","reason"\n"<e>","bad email"', "bad email"],
  ])("keeps SlashID's reason given in %s", async (_name, answered, reason) => {
    const input = persons("reason-cells", 2);
    const email = input[0]!.emails![0]!;
    slashIdWorld(server, {
      reject: (key) => key === emailKey(email),
      script: () => rewriteFailedCsv(() => `${answered.replace("<e>", email)}\n`),
    });
    const report = await run(input);
    expect(report.outcomes[0]).toMatchObject({
      outcome: "failed",
      code: "rejected_by_vendor",
      reason,
    });
    expect(report.outcomes[1]).toMatchObject({ outcome: "imported" });
    expect(report.outcomes[1]).not.toHaveProperty("warning");
  });

  it.each([
    ["missing", null],
    ["not CSV", '"slashid:emails,reason\n"unterminated'],
    ["not matching any record", '"slashid:emails","reason"\n"someone.else@example.com","nope"\n'],
  ])(
    "never reports more imported than successful_imports when failed_csv is %s",
    async (_, override) => {
      const input = persons("unplaceable", 8);
      slashIdWorld(server, {
        reject: (key) => key === emailKey(input[6]!.emails![0]!),
        script: () => rewriteFailedCsv(() => override),
      });
      const report = await run(input, { chunkRecords: 4 });
      expectEveryRecordOnce(report, 8);
      // The first file is unambiguous; in the second SlashID imported 3 of 4 but did not say which.
      expect(report.imported).toBe(4);
      expect(indexesWith(report, "failed")).toEqual([4, 5, 6, 7]);
      for (const o of report.outcomes.slice(4)) {
        expect(o).toMatchObject({ outcome: "failed", code: "import_unconfirmed" });
        expect(o.outcome === "failed" && o.reason).toMatch(/SlashID imported 3 and failed 1 of 4/);
      }
    },
  );

  it.each([
    [
      400,
      "400",
      "unreadable CSV file",
      /SlashID refused the file \(400 Bad Request\): unreadable CSV file/,
    ],
    [
      402,
      "402",
      "operation violated the limits specified in its pricing tier",
      /pricing tier violation \(402\): operation violated/,
    ],
  ])(
    "fails the whole file on %i with SlashID's message; other files go on",
    async (status, code, message, reason) => {
      const { fileSizes } = slashIdWorld(server, {
        script: ({ attempt }) =>
          attempt === 2 ? { answer: vendorError(status, message) } : undefined,
      });
      const report = await run(persons(`status-${status}`, 9), { chunkRecords: 3 });
      expectEveryRecordOnce(report, 9);
      expect(indexesWith(report, "failed")).toEqual([3, 4, 5]);
      for (const o of report.outcomes.slice(3, 6)) {
        expect(o).toMatchObject({ outcome: "failed", code });
        expect(o.outcome === "failed" && o.reason).toMatch(reason);
      }
      expect(report.imported).toBe(6);
      expect(report.fatal).toBeUndefined();
      expect(fileSizes()).toEqual([3, 3]);
    },
  );
});

describe("validation in the pipeline", () => {
  it("reports a rejected record with its index, key and rule; the rest are still sent", async () => {
    const { sim, fileSizes } = slashIdWorld(server);
    const input = persons("rejected", 7);
    input[3] = { emails: ["broken.example.com"], region: "us-iowa" };
    input[5] = { groups: ["no-handle"] };
    const report = await run(input, { chunkRecords: 3 });
    expectEveryRecordOnce(report, 7);
    expect(report.rejected).toBe(2);
    expect(report.outcomes[3]).toMatchObject({
      index: 3,
      key: "broken.example.com",
      outcome: "rejected",
      rule: "slashid.email_format",
    });
    expect(report.outcomes[3]!.outcome === "rejected" && report.outcomes[3]!.reason).toMatch(
      /^record 3 \(broken\.example\.com\): emails\.0: /,
    );
    expect(report.outcomes[5]).toMatchObject({
      key: "#5",
      outcome: "rejected",
      rule: "slashid.handle_required",
    });
    expect(fileSizes()).toEqual([3, 2]);
    expect(
      sim
        .uploads()
        .flatMap((u) => u.rows)
        .map((r) => r["slashid:emails"]),
    ).toEqual([0, 1, 2, 4, 6].map((i) => input[i]!.emails![0]));
  });
});

describe("faults", () => {
  it("retries 429 with Retry-After and 503; replays a file after a 500 or a lost connection; accounts for every record", async () => {
    // None of these POSTs is processed: the replays import their persons for the first time. The
    // simulator answers its first 5xx with a 500, its second with a 503.
    const faults: Partial<Record<number, FaultKind>> = { 1: "drop", 3: "429", 5: "5xx", 7: "5xx" };
    const { sim, fileSizes, posts } = slashIdWorld(server, {
      retryAfterSeconds: 7,
      script: ({ attempt }) => faults[attempt],
    });
    const delays: number[] = [];
    const input = persons("faults", 20);
    const report = await run(
      input,
      { chunkRecords: 5, replayDelayMs: 0 },
      slashIdClient({ delays }),
    );

    expectEveryRecordOnce(report, 20);
    // POSTs: 1 connection lost after sending (not retried by the client: SlashID may have it) → 2, the
    // engine's replay, file 1; 3 429 → 4 file 2; 5 500 (not retried either) → 6 replay, file 3; 7 503 → 8 file 4.
    expect(posts()).toBe(8);
    expect(fileSizes()).toEqual([5, 5, 5, 5]);
    expect(report.imported).toBe(20);
    expect(report.chunks).toEqual({ sent: 4, resumed: 0, replayed: 2 });
    expect(delays).toContain(7_000);
    expectCreatedOnce(sim, 20);
    // A replayed file that SlashID never processed imports its persons plainly: nothing to warn about.
    expect(report.outcomes.every((o) => o.outcome === "imported" && o.warning === undefined)).toBe(
      true,
    );
    expect(report.aborted).toBe(false);
  });

  it("fails a file when the client's retries and the engine's replays run out, and goes on with the next", async () => {
    // The second file's every POST: 3 per send (the first and 2 retries), for 2 sends.
    const { fileSizes, posts } = slashIdWorld(server, {
      script: ({ attempt }) =>
        attempt >= 2 && attempt <= 7
          ? { answer: vendorError(503, "service unavailable") }
          : undefined,
    });
    const report = await run(
      persons("retries-out", 6),
      { chunkRecords: 2, chunkAttempts: 2, replayDelayMs: 0 },
      slashIdClient({ maxRetries: 2 }),
    );
    expectEveryRecordOnce(report, 6);
    expect(indexesWith(report, "failed")).toEqual([2, 3]);
    expect(report.outcomes[2]).toMatchObject({ outcome: "failed", code: "undocumented" });
    expect(report.outcomes[2]!.outcome === "failed" && report.outcomes[2]!.reason).toMatch(
      /sent 2 times in this run \(replayed by resend\): a re-run tries again$/,
    );
    expect(posts()).toBe(8);
    expect(fileSizes()).toEqual([2, 2]);
    expect(report.chunks.replayed).toBe(1);
  });

  it.each([401, 403])(
    "stops the import on %i: the rest fail as fatal, none is lost",
    async (status) => {
      const message = status === 401 ? "invalid API key" : "forbidden";
      const { posts } = slashIdWorld(server, {
        script: ({ attempt }) =>
          attempt === 2 ? { answer: vendorError(status, message) } : undefined,
      });
      const report = await run(persons(`fatal-${status}`, 10), { chunkRecords: 2 });
      // The engine stops reading the input: every record it read is accounted for.
      expectEveryRecordOnce(report, report.total);
      expect(report.total).toBeGreaterThan(4);
      expect(report.fatal).toMatch(new RegExp(`HTTP ${status}`));
      expect(report.aborted).toBe(false);
      expect(report.imported).toBe(2);
      expect(posts()).toBe(2);
      for (const o of report.outcomes.slice(2)) {
        expect(o).toMatchObject({ outcome: "failed", code: "fatal" });
      }
    },
  );

  it("stops on the caller's abort mid-import: aborted, every record accounted for", async () => {
    const { fileSizes } = slashIdWorld(server);
    const controller = new AbortController();
    const report = await run(persons("abort", 12), {
      chunkRecords: 4,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.imported >= 4) controller.abort();
      },
    });
    expectEveryRecordOnce(report, report.total);
    expect(report.aborted).toBe(true);
    expect(report.imported).toBe(4);
    expect(fileSizes()).toEqual([4]);
    for (const o of report.outcomes.slice(4))
      expect(o).toMatchObject({ outcome: "failed", code: "aborted" });
  });

  it("stops when the caller aborts while a file is in flight", async () => {
    const controller = new AbortController();
    slashIdWorld(server, {
      script: ({ attempt }) => (attempt === 2 ? { after: abortingAfter(controller) } : undefined),
    });
    const report = await run(persons("abort-in-flight", 9), {
      chunkRecords: 3,
      signal: controller.signal,
    });
    expectEveryRecordOnce(report, report.total);
    expect(report.aborted).toBe(true);
    expect(report.imported).toBe(3);
    expect(report.outcomes[3]).toMatchObject({ outcome: "failed", code: "aborted" });
  });
});

describe("resume with a journal", () => {
  /** An uninterrupted run of the same input against a fresh vendor. */
  async function reference(input: SlashIdPerson[], options: SlashIdImportOptions) {
    slashIdWorld(server, failSome);
    return run(input, options);
  }
  const failSome = {
    reject: (key: string) => key.startsWith("email:x"),
    reasons: () => "blocked domain",
  };

  function input(seed: string): SlashIdPerson[] {
    const list = persons(seed, 14);
    list[5] = { emails: ["xavier@blocked.example"] };
    list[9] = { emails: ["not-an-email"] };
    return list;
  }

  it("after an abort: finished files are not re-sent, the rest are, nobody is imported twice", async () => {
    const records = input("resume-abort");
    const journal = journalFile("slashid");
    const { sim, fileSizes } = slashIdWorld(server, failSome);
    const controller = new AbortController();
    const first = await run(records, {
      chunkRecords: 4,
      journal,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.imported + p.failed >= 8) controller.abort();
      },
    });
    expect(first.aborted).toBe(true);
    expect(fileSizes()).toEqual([4, 4]);

    const second = await run(records, { chunkRecords: 4, journal });
    expect(fileSizes()).toEqual([4, 4, 4, 1]);
    expect(second.chunks).toEqual({ sent: 2, resumed: 2, replayed: 0 });
    expectCreatedOnce(sim, second.imported);
    expect(essence(second)).toEqual(essence(await reference(records, { chunkRecords: 4 })));
  });

  it("after a fatal 401: the re-run sends only the files that had not finished", async () => {
    const records = input("resume-fatal");
    const journal = journalFile("slashid");
    // The refused file holds a person SlashID fails (index 5): its reason must carry no note about an
    // earlier upload, since a 401 imports nobody.
    const { sim, fileSizes, posts } = slashIdWorld(server, {
      ...failSome,
      script: ({ attempt }) =>
        attempt === 2 ? { answer: vendorError(401, "invalid API key") } : undefined,
    });
    const first = await run(records, { chunkRecords: 4, journal });
    expect(first.fatal).toBeDefined();
    expect(fileSizes()).toEqual([4]);

    const second = await run(records, { chunkRecords: 4, journal });
    expect(fileSizes()).toEqual([4, 4, 4, 1]);
    expect(posts()).toBe(5);
    expectCreatedOnce(sim, second.imported);
    expect(essence(second)).toEqual(essence(await reference(records, { chunkRecords: 4 })));
  });

  it("re-uploads a file whose answer was lost: existing persons imported with a warning, failures noted", async () => {
    const records = persons("resume-lost-answer", 6);
    const journal = journalFile("slashid");
    const controller = new AbortController();
    const world = slashIdWorld(server, {
      reject: (key) => key === emailKey(records[4]!.emails![0]!),
      reasons: () => "group does not exist",
      // SlashID processes the second file, but the caller aborts before the answer arrives.
      script: ({ attempt }) => (attempt === 2 ? { after: abortingAfter(controller) } : undefined),
    });
    const first = await run(records, { chunkRecords: 3, journal, signal: controller.signal });
    expect(first.aborted).toBe(true);
    expect(indexesWith(first, "failed")).toEqual([3, 4, 5]);
    world.script = undefined;

    const second = await run(records, { chunkRecords: 3, journal });
    expect(world.fileSizes()).toEqual([3, 3, 3]);
    expectCreatedOnce(world.sim, 5);
    expect(second.chunks).toEqual({ sent: 1, resumed: 1, replayed: 0 });
    // What SlashID does with an existing person is UNCONFIRMED; this vendor refuses it, which on a
    // re-upload means the lost upload (or an earlier import) created it.
    for (const o of [second.outcomes[3]!, second.outcomes[5]!]) {
      expect(o).toMatchObject({ outcome: "imported" });
      expect(o.outcome === "imported" && o.warning).toMatch(
        /^SlashID refused this person's row \(.+\), presumably as it already exists: the earlier upload of this chunk, whose answer was lost, imported them, or they existed before \(or another import created them meanwhile\), and then SlashID holds that person with its own values/,
      );
    }
    expect(second.outcomes[4]).toMatchObject({ outcome: "failed", code: "rejected_by_vendor" });
    expect(second.outcomes[4]!.outcome === "failed" && second.outcomes[4]!.reason).toBe(
      "group does not exist; a try of this request got no answer that said what became of it and may have reached the vendor, which may hold this record",
    );
  });
});
