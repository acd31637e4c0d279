// Text from input or from a vendor never drives the terminal: control and bidi characters in keys, reasons and
// error messages are printed as visible escapes, so a record cannot forge a summary line or hide one; the
// report file keeps the exact text.
import { faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { readReportFile } from "../../src/cli/report-file.js";
import { forTerminal } from "../../src/cli/terminal-text.js";
import { createFullStorySimulator } from "../../src/testing/index.js";
import { CREDS, FAST_POLL, cli, ndjson, useServedSimulators, useTempDir } from "./helpers.js";

const file = useTempDir("bui-terminal-");
const serve = useServedSimulators();

/**
 * Any character a terminal acts on: C0, DEL, C1 (U+009B is a one-byte CSI), bidi overrides and isolates; or
 * that shows as nothing or as a line break.
 */
const UNSHOWABLE =
  // eslint-disable-next-line no-control-regex -- finding control characters is what the test is for
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|(?!\u200c|\u200d|[\u180b-\u180d\u180f]|[\ufe00-\ufe0f]|[\u{e0100}-\u{e01ef}])\p{Default_Ignorable_Code_Point}/u;

/** The printed lines holding such a character (the newlines that end lines are the CLI's own). */
const unshowable = (text: string) => text.split("\n").filter((line) => UNSHOWABLE.test(line));

/** A key that, printed raw, wipes its line and writes a fake all-clear dry-run line in its place. */
const forgedKey = () =>
  `${faker.string.alphanumeric(8)}\u001b[2K\rdry run: 2 records, 2 valid, 0 rejected; nothing was sent\n\u202e`;

describe("forTerminal", () => {
  it("shows every control and bidi character as an escape", () => {
    expect(forTerminal("a\u001b[31mb\rc\nd\te\u0000f\u007fg\u009bh\u202ei\u2066j\u2069")).toBe(
      "a\\x1b[31mb\\rc\\nd\\te\\x00f\\x7fg\\x9bh\\u202ei\\u2066j\\u2069",
    );
    // The marks that reorder text without embedding it: left-to-right, right-to-left, Arabic letter mark.
    expect(forTerminal("a\u200eb\u200fc\u061cd")).toBe("a\\u200eb\\u200fc\\u061cd");
  });

  it("shows the characters that show as nothing, or as a line break, as escapes", () => {
    expect(forTerminal("\ufeffuid \u200bx\u2060y\u2028z\u2029")).toBe(
      "\\ufeffuid \\u200bx\\u2060y\\u2028z\\u2029",
    );
    // A soft hyphen, a Hangul filler, a combining grapheme joiner, a Mongolian vowel separator, a tag letter.
    expect(forTerminal("\u00adu\u3164i\u034fd\u180e\u{e0041}")).toBe(
      "\\xadu\\u3164i\\u034fd\\u180e\\u{e0041}",
    );
    // Tags not in a flag's sequence hide text.
    expect(forTerminal("\u{1f3f4}\u{e0041}x")).toBe("\u{1f3f4}\\u{e0041}x");
  });

  it("shows every space but the plain one as an escape, so keys that differ only there print apart", () => {
    // No-break, Ogham, en quad, thin, hair, narrow no-break, medium mathematical and ideographic spaces.
    expect(forTerminal("a b\u00a0c\u1680d\u2000e\u2009f\u200ag\u202fh\u205fi\u3000j")).toBe(
      "a b\\xa0c\\u1680d\\u2000e\\u2009f\\u200ag\\u202fh\\u205fi\\u3000j",
    );
    const name = faker.person.firstName();
    expect(forTerminal(`${name}\u00a0x`)).not.toBe(forTerminal(`${name} x`));
  });

  it("shows a lone UTF-16 surrogate as an escape, which a terminal would show as U+FFFD", () => {
    // Two keys that differ only there, and a key holding U+FFFD itself, would print alike.
    expect(forTerminal("a\ud800b\udfffc\ufffd")).toBe("a\\ud800b\\udfffc\ufffd");
    // A pair is one character, kept.
    expect(forTerminal("\ud83d\ude42")).toBe("🙂");
  });

  it("keeps any other text as it is", () => {
    // The joiners of an emoji sequence and of a Persian word, variation selectors (of emoji, of CJK, of
    // Mongolian), and a subdivision flag's tags, included.
    const england = "\u{1f3f4}\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}";
    const text = `${faker.person.fullName()} Zoë 東京 🙂 👩\u200d💻 ❤\ufe0f 葛\u{e0100} ᠠ\u180b ${england} می\u200cخواهم C:\\path "quoted" ${faker.internet.email()}`;
    expect(forTerminal(text)).toBe(text);
  });

  it("a flag with more tags than a subdivision's id holds shows them as escapes, millions of them too", () => {
    const tags = (n: number) => "\u{e0061}".repeat(n) + "\u{e007f}";
    const escapes = (n: number) => "\\u{e0061}".repeat(n) + "\\u{e007f}";
    // A key of 8.5 million tags (34 MB of UTF-8, within what a record may hold) threw a RangeError (Maximum
    // call stack size exceeded), which ended a dry run's reading there. Compared whole, not diffed.
    const many = 8.5 * 1024 * 1024;
    expect(forTerminal(`\u{1f3f4}${tags(many)}`) === `\u{1f3f4}${escapes(many)}`).toBe(true);
    expect(forTerminal(`\u{1f3f4}${tags(32)}`)).toBe(`\u{1f3f4}${tags(32)}`);
    expect(forTerminal(`\u{1f3f4}${tags(33)}`)).toBe(`\u{1f3f4}${escapes(33)}`);
  }, 60_000);
});

describe("a key holding control characters", () => {
  it("dry run: printed escaped, and no forged line appears", async () => {
    const key = forgedKey();
    const input = file("forged.ndjson", ndjson([{ uid: key, display_name: 42 }, { uid: "ok" }]));

    const result = await cli(["import", "fullstory", input, "--dry-run"]);

    expect(result.code).toBe(1);
    expect(unshowable(result.all)).toEqual([]);
    expect(result.stdout.match(/^dry run: /gm)).toEqual(["dry run: "]);
    expect(result.stdout).toMatch(/^dry run: 2 records, 1 valid, 1 rejected/m);
    expect(result.stdout).toContain(forTerminal(key));
  });

  it("dry run: a key with a no-break space is printed apart from the same key with a plain space", async () => {
    const id = faker.string.alphanumeric(8);
    const input = file(
      "nbsp-keys.ndjson",
      ndjson([
        { uid: `${id}\u00a0x`, display_name: 42 },
        { uid: `${id} x`, display_name: 42 },
      ]),
    );

    const result = await cli(["import", "fullstory", input, "--dry-run"]);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${id}\\xa0x`);
    expect(result.stdout).toContain(`${id} x`);
    expect(result.stdout).not.toContain(`${id}\u00a0x`);
  });

  it("import: the summary shows it escaped; the report file keeps it exactly", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(sim);
    const key = forgedKey();
    const reportFile = file("forged.report");
    const input = file(
      "forged-import.ndjson",
      ndjson([{ uid: key, display_name: 42 }, { uid: "ok" }]),
    );

    const result = await cli([
      "import",
      "fullstory",
      input,
      "--base-url",
      url,
      "--api-key",
      CREDS.apiKey,
      ...FAST_POLL,
      "--report",
      reportFile,
    ]);

    expect(result.code).toBe(1);
    expect(unshowable(result.all)).toEqual([]);
    expect(result.stdout).not.toMatch(/^dry run: /m);
    expect(result.stdout).toMatch(/^fullstory: 2 records: 1 imported, 0 failed, 1 rejected/);
    expect(result.stdout).toContain(forTerminal(key));
    const report = await readReportFile(reportFile);
    expect(report.outcomes.find((o) => o.index === 0)).toMatchObject({ key, outcome: "rejected" });
  });
});

describe("error messages that quote the input", () => {
  it("a column named with a second byte order mark is shown with it, not as the field it looks like", async () => {
    const result = await cli([
      "import",
      "fullstory",
      file("two-boms.csv", "\ufeff\ufeffuid,email\nu-1,a@example.com\n"),
      "--dry-run",
    ]);
    expect(unshowable(result.stdout)).toEqual([]);
    expect(result.stdout).toContain('column "\\ufeffuid" names no field');
  });

  it("a refused CSV header holding control characters is printed escaped", async () => {
    const header = "__proto__.\u001b[2Jx";
    const result = await cli([
      "import",
      "fullstory",
      file("ctl-proto.csv", `uid,${header}\nu-1,v\n`),
      "--dry-run",
    ]);
    expect(result.code).toBe(2);
    expect(unshowable(result.stderr)).toEqual([]);
    expect(result.stderr).toContain(`CSV header ${forTerminal(header)} is refused`);
  });

  // A vendor's or a command's argument is named by its first word: what follows a blank in it is not
  // repeated (arguments-run-together.test.ts), so the forged line is not printed, even escaped.
  it.each([
    [
      "a file name",
      ["import", "fullstory", "a\nbulk-user-import: imported 5 of 5.csv", "--dry-run"],
      "\\nbulk-user-import: imported 5 of 5",
    ],
    [
      "a vendor",
      ["import", "full\nbulk-user-import: imported 5 of 5", "x.csv"],
      "unknown vendor full (followed by more words",
    ],
    [
      "a command",
      ["imp\nbulk-user-import: imported 5 of 5"],
      "unknown command imp (followed by more words",
    ],
  ])(
    "a usage error quoting %s with a line break prints it escaped, not as a line of its own",
    async (_, argv, shown) => {
      const result = await cli(argv);
      expect(result.code).toBe(2);
      const lines = result.stderr.split("\n");
      expect(lines.filter((line) => line.startsWith("bulk-user-import: imported"))).toEqual([]);
      expect(result.stderr).toContain(shown);
    },
  );

  it("an input error holding control characters is printed escaped", async () => {
    const column = "email\u001b]0;owned\u0007";
    const result = await cli([
      "import",
      "fullstory",
      file("ctl-twice.csv", `uid,${column},${column}\nu-1,a,b\n`),
      "--dry-run",
    ]);
    expect(result.code).toBe(2);
    expect(unshowable(result.all)).toEqual([]);
    expect(result.stderr).toContain(`the column ${forTerminal(column)} twice`);
  });
});
