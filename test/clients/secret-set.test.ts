// What the scrubber guarantees on its own: every secret, however short, is redacted; a secret that contains
// another leaves nothing behind; text cut short keeps no piece of a secret at either edge.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretSet } from "../../src/core/errors/secrets.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";

const faker = seededFaker("secret set");
const secretOf = (length: number) => faker.string.alphanumeric({ length, casing: "upper" });

describe("SecretSet.scrub", () => {
  it("redacts a secret of any length, even three characters", () => {
    const secrets = new SecretSet();
    const key = secretOf(3);
    secrets.add(key);
    expect(secrets.scrub(`Authorization: Token ${key}`)).toBe("Authorization: Token [REDACTED]");
  });

  it("redacts a short secret only where it stands alone, so ordinary words survive", () => {
    const secrets = new SecretSet();
    secrets.add("abc");
    expect(secrets.scrub("abc abcdef xabc")).toBe("[REDACTED] abcdef xabc");
  });

  // Each had a lookbehind of its own, which V8 tried for every one at every place of the text: a chunk's 1,000
  // passwords of 5 characters took 9 s to scrub a body of 64 KiB, 3 minutes for 1 MiB.
  it("redacts each of a thousand short secrets where it stands alone, in a body of 1 MiB", () => {
    const secrets = new SecretSet({ chosen: true });
    const short = Array.from({ length: 1000 }, (_, i) => `p${String(i).padStart(3, "0")}!`);
    secrets.add(...short);
    const filler = "lorem ipsum dolor ".repeat(60_000);
    const text = `${filler}${short[0]!} ${short[999]!}x %20${short[500]!} a${short[1]!} ${short[2]!}9`;
    expect(secrets.scrub(text)).toBe(
      `${filler}[REDACTED] ${short[999]!}x %20[REDACTED] a${short[1]!} ${short[2]!}9`,
    );
  });

  it("ignores an empty secret instead of redacting between every character", () => {
    const secrets = new SecretSet();
    secrets.add("", undefined);
    expect(secrets.scrub("text")).toBe("text");
  });

  it("leaves no part of a long secret that contains a shorter one", () => {
    const short = secretOf(8);
    const long = `${short}${secretOf(24)}`;
    const secrets = new SecretSet();
    secrets.add(short, long);
    expect(secrets.scrub(`key=${long};`)).toBe("key=[REDACTED];");
  });

  it("leaves no part of a secret that overlaps another one it follows in the text", () => {
    // Two passwords of one chunk, the end of one the start of the other: the first match must not hide the
    // rest of the second, whose own start it took.
    const [a, b, c] = [secretOf(6), secretOf(6), secretOf(8)];
    const secrets = new SecretSet();
    secrets.add(`${a}${b}`, `${b}${c}`);
    expect(secrets.scrub(`echo ${a}${b}${c} end`)).toBe("echo [REDACTED] end");
  });

  it("redacts a secret echoed percent-encoded (e.g. in a redirect's Location)", () => {
    const key = `${secretOf(10)}/+=${secretOf(10)}`;
    const secrets = new SecretSet();
    secrets.add(key);
    expect(secrets.scrub(`https://elsewhere.example/?k=${encodeURIComponent(key)}`)).toBe(
      "https://elsewhere.example/?k=[REDACTED]",
    );
  });
});

describe("SecretSet: a secret echoed in another case", () => {
  // The set's secrets are upper-case: a server lower-casing its whole message changes every letter.
  const key = `${secretOf(16)}${faker.string.alphanumeric({ length: 16, casing: "lower" })}`;
  const secrets = new SecretSet();
  secrets.add(key);

  it("is redacted upper-cased, lower-cased, or in mixed case", () => {
    for (const echoed of [
      key.toUpperCase(),
      key.toLowerCase(),
      `${key.slice(0, 8).toLowerCase()}${key.slice(8)}`,
    ])
      expect(secrets.scrub(`invalid token ${echoed}.`)).toBe("invalid token [REDACTED].");
  });

  it("is redacted when a run of it, or a piece at a cut, comes back in another case", () => {
    expect(secrets.scrubRuns(`key ${key.slice(3, 15).toLowerCase()}...`)).toBe("key [REDACTED]...");
    expect(secrets.clip(`key ${key.slice(0, 5).toLowerCase()}`, 100)).toBe("key [REDACTED]");
  });

  it("is redacted where lower-casing alone folds its echo otherwise (a sigma, ß, İ)", () => {
    // `ABCΣ1`.toLowerCase() is `abcς1`, `STRASSE` is no `straße`, and `İ` lower-cased is two units.
    for (const secret of ["kωδικόσ-2024", "Straße-2024", "İzmir-2024x", "Σοφία-ΑΣ-9"]) {
      const set = new SecretSet();
      set.add(secret);
      for (const echoed of [secret.toUpperCase(), secret.toLowerCase()]) {
        expect(set.scrub(`invalid key ${echoed}.`)).toBe("invalid key [REDACTED].");
        expect(set.scrubRuns(`key ${echoed.slice(1)}...`)).toBe("key [REDACTED]...");
      }
    }
  });

  it("is redacted upper-cased in a Turkish locale, where i is İ (and lower-cased, where I is ı)", () => {
    for (const secret of ["mini-wiki-iris-2024", `${key}i`, "Kiwi7iGi9ix4"]) {
      const set = new SecretSet();
      set.add(secret);
      for (const echoed of [secret.toLocaleUpperCase("tr"), secret.toLocaleLowerCase("tr")]) {
        expect(set.scrub(`invalid key ${echoed}.`)).toBe("invalid key [REDACTED].");
        expect(set.scrubRuns(`key ${echoed.slice(1)}...`)).toBe("key [REDACTED]...");
        expect(set.clip(`key ${echoed.slice(0, 5)}`, 100)).toBe("key [REDACTED]");
      }
    }
  });

  it("cuts the very span it found after a character that folds longer (İ, ß) or a surrogate pair", () => {
    const set = new SecretSet();
    set.add(key, "𐐨𐐩kluczdostępu");
    const before = "İSTANBUL ŞUBESİ, Straße 𝒳: ";
    expect(set.scrub(`${before}${key.toLowerCase()} and ${"𐐨𐐩kluczdostępu".toUpperCase()}!`)).toBe(
      `${before}[REDACTED] and [REDACTED]!`,
    );
    expect(set.scrubRuns(`${before}${key.slice(2, 14).toLowerCase()}!`)).toBe(
      `${before}[REDACTED]!`,
    );
    expect(set.clip(`${before}${key.slice(0, 5).toLowerCase()}`, 100)).toBe(`${before}[REDACTED]`);
    expect(set.clip(`${key.slice(-5).toLowerCase()} İSTANBUL`, 100)).toBe("[REDACTED] İSTANBUL");
  });

  it("of a word a person chose (a password), only as given: a vendor's reasons keep their words", () => {
    // "password", "welcome" are common passwords; a chunk holding one must not eat SlashID's "Password".
    const passwords = new SecretSet({ chosen: true });
    passwords.add("password", "Welcome", "Summer2024x");
    expect(passwords.scrubChosenRuns("Password too short; welcome mail; SUMMER2024X")).toBe(
      "Password too short; welcome mail; [REDACTED]",
    );
    // Where runs are scrubbed with no word kept (a message, a body), a run as given still goes.
    const reason = "PASSWORD too short; WELCOME mail; summer2024x";
    const kept = "PASSWORD too short; WELCOME mail; [REDACTED]";
    expect(passwords.scrubRuns(reason)).toBe(kept);
    expect(passwords.scrubDeep({ reason })).toEqual({ reason: kept });
    expect(passwords.scrub("Welcome: password")).toBe("[REDACTED]: [REDACTED]");
    expect(passwords.clip("rejected: Welco", 100)).toBe("rejected: [REDACTED]");
  });

  it("of a chosen word, a run of it as given where no word is kept (a message cut through it)", () => {
    const passwords = new SecretSet({ chosen: true });
    passwords.add("Welcome");
    expect(passwords.scrubRuns('blocked: password "Welcom…" refused; welcom mail')).toBe(
      'blocked: password "[REDACTED]…" refused; welcom mail',
    );
  });

  it("of a chosen word of 16 letters or more, a piece that long even where words are kept", () => {
    const passwords = new SecretSet({ chosen: true });
    passwords.add("correcthorsebatterystaple");
    expect(passwords.scrubChosenRuns("invalid password [correcthorsebatter…]")).toBe(
      "invalid password [[REDACTED]…]",
    );
  });

  it("of a chosen word of 16 letters or more in any case: that long, it is no ordinary word", () => {
    const passwords = new SecretSet({ chosen: true });
    passwords.add("correcthorsebatt", "correcthorsebat");
    // 16 letters, echoed upper-cased, goes; one of 15 in another case may be a word, and stays.
    expect(passwords.scrub("got CORRECTHORSEBATT")).toBe("got [REDACTED]");
    expect(passwords.scrub("got CORRECTHORSEBAT")).toBe("got CORRECTHORSEBAT");
  });

  it("of a word a person chose with a blank around it, only as given too", () => {
    // Sent as written, "welcome " is the word "welcome" still: SlashID's "Welcome to" must not go.
    const passwords = new SecretSet({ chosen: true });
    passwords.add("welcome ", "\tpassword");
    const reason = "Welcome to SlashID. Password\ttoo short";
    expect(passwords.scrubChosenRuns(reason)).toBe(reason);
    expect(passwords.scrub("was: welcome |\tpassword")).toBe("was: [REDACTED]|[REDACTED]");
  });

  it("of a short secret, only as given: it would eat ordinary words in another case", () => {
    const short = new SecretSet();
    short.add("test");
    expect(short.scrub("Test failed: test TEST")).toBe("Test failed: [REDACTED] TEST");
  });
});

describe("SecretSet.add after a scrub", () => {
  it("holds the new secret's runs and pieces too, as an access token issued mid-run is", () => {
    const [key, token] = [secretOf(24), secretOf(32)];
    const secrets = new SecretSet();
    secrets.add(key);
    expect(secrets.clip(`refused ${key.slice(0, 5)}`, 100)).toBe("refused [REDACTED]");
    secrets.add(token);
    expect(secrets.scrubRuns(`bad token "${token.slice(4, 14)}…"`)).toBe('bad token "[REDACTED]…"');
    expect(secrets.clip(`refused ${token.slice(0, 5)}`, 100)).toBe("refused [REDACTED]");
  });
});

describe("SecretSet.delete", () => {
  const b64 = (text: string) => Buffer.from(`user:${text}`).toString("base64");

  it("forgets a secret in every form, and keeps each form another secret held shares", () => {
    const token = secretOf(24);
    // One secret's trimmed form, and another's percent-encoded form, are the token's text.
    const padded = ` ${token}\n`;
    const spaced = `${secretOf(8)} ${secretOf(8)}`;
    const secrets = new SecretSet();
    secrets.add(padded, spaced, token, encodeURIComponent(spaced));
    secrets.delete(encodeURIComponent(spaced));
    secrets.delete(token);
    // Scrubbed as by a set never given the token: of the others' forms, the token's text among them.
    const others = new SecretSet();
    others.add(padded, spaced);
    const echo = `echo ${token}; ${encodeURIComponent(spaced)}; ${b64(token)}; cut ${token.slice(3, 12)}`;
    expect(secrets.scrubRuns(echo)).toBe(others.scrubRuns(echo));
    expect(secrets.scrubRuns(echo)).not.toMatch(
      new RegExp(`${token.slice(3, 9)}|${b64(token).slice(8, 16)}`),
    );
    const gone = secretOf(24);
    secrets.add(gone);
    secrets.delete(gone);
    const text = `${gone} ${b64(gone)} ${gone.slice(0, 9)}`;
    expect(secrets.scrubRuns(text)).toBe(text);
  });

  it("forgets a text given twice (by two owners) once both took it back", () => {
    const shared = secretOf(7);
    const secrets = new SecretSet();
    secrets.add(shared);
    secrets.add(shared);
    secrets.delete(shared);
    expect(secrets.scrub(`key ${shared}`)).toBe("key [REDACTED]");
    secrets.delete(shared);
    expect(secrets.scrub(`key ${shared}`)).toBe(`key ${shared}`);
  });
});

describe("SecretSet.clip", () => {
  const key = secretOf(32);
  const secrets = new SecretSet();
  secrets.add(key);

  it("scrubs before cutting, so a secret across the cut leaves no fragment", () => {
    const text = `${"x".repeat(90)}${key}`;
    expect(secrets.clip(text, 100)).toBe(`${"x".repeat(90)}[REDACTED]`);
  });

  it("redacts a piece of a secret the text already ended or started in", () => {
    expect(secrets.clip(`${"x".repeat(20)}${key.slice(0, 12)}`, 100)).toBe(
      `${"x".repeat(20)}[REDACTED]`,
    );
    expect(secrets.clip(`${key.slice(-12)}${"x".repeat(20)}`, 100)).toBe(
      `[REDACTED]${"x".repeat(20)}`,
    );
  });

  it("redacts a piece of a secret as short as 4 characters at either edge; one of 3 is kept", () => {
    const filler = "-".repeat(20);
    expect(secrets.clip(`${filler}${key.slice(0, 4)}`, 100)).toBe(`${filler}[REDACTED]`);
    expect(secrets.clip(`${key.slice(-4)}${filler}`, 100)).toBe(`[REDACTED]${filler}`);
    expect(secrets.clip(`${filler}${key.slice(0, 3)}`, 100)).toBe(`${filler}${key.slice(0, 3)}`);
  });

  it("keeps an ordinary text as it is", () => {
    const text = faker.lorem.sentence();
    expect(secrets.clip(text, 1000)).toBe(text);
  });
});

describe("SecretSet.scrubRuns", () => {
  it("redacts a secret that a runtime's message already cut to a few characters", () => {
    const key = secretOf(32);
    const secrets = new SecretSet();
    secrets.add(key);
    const v8 = `Unexpected token '${key[0]}', "${key.slice(0, 10)}"... is not valid JSON`;
    expect(secrets.scrubRuns(v8)).toBe(
      `Unexpected token '${key[0]}', "[REDACTED]"... is not valid JSON`,
    );
  });

  it("matches whole characters beyond U+FFFF only: half of another emoji is no run of a secret", () => {
    // `😀` is D83D DE00 and `💡` D83D DCA1: a run of five letters and the half they share is no run of six.
    const passwords = new SecretSet({ chosen: true });
    passwords.add("Xfghij😀Y123");
    for (const text of ["note: fghij💡 ok", "note: 🈀Y123z ok"])
      expect(passwords.scrubChosenRuns(text), text).toBe(text);
    expect(passwords.scrubRuns("cut: ghij😀Y1")).toBe("cut: [REDACTED]");
    expect(passwords.scrubRuns("cut: 😀Y123")).toBe("cut: [REDACTED]");
  });

  it("takes a run starting at a character beyond U+FFFF whole: the second half of another is no run", () => {
    // `😀` is D83D DE00 and `🈀` D83C DE00: five letters after the half they share are no run of six.
    const secrets = new SecretSet();
    secrets.add("Xfghij😀Y1234");
    expect(secrets.scrubRuns("note: 🈀Y1234 ok")).toBe("note: 🈀Y1234 ok");
    expect(secrets.scrubRuns("cut: 😀Y1234")).toBe("cut: [REDACTED]");
  });

  it("keeps a word of 5 characters a key holds: only a run of 6 or more of it is the key's", () => {
    // A key holding "error" redacted as a run of it would take the word out of every vendor message.
    const key = `${secretOf(10)}error${secretOf(10)}`;
    const secrets = new SecretSet();
    secrets.add(key);
    expect(secrets.scrubRuns("error: invalid request")).toBe("error: invalid request");
    expect(secrets.scrubRuns(`bad key "${key.slice(10, 16)}"`)).toBe('bad key "[REDACTED]"');
  });
});

describe("a secret far longer than any key (a broken token endpoint's token)", () => {
  // V8 refuses a pattern with a literal of some 32,000 characters, and its error quotes every secret.
  const huge = randomBytes(48_000).toString("base64");
  const key = secretOf(32);

  it("is redacted with the others, in each form it comes back in, and scrubbing never throws", () => {
    const secrets = new SecretSet();
    secrets.add(key, huge);
    const text = `a ${huge} b ${encodeURIComponent(huge)} c ${key} d`;
    expect(secrets.scrub(text)).toBe("a [REDACTED] b [REDACTED] c [REDACTED] d");
  });

  it("is redacted in another case too", () => {
    const secrets = new SecretSet();
    secrets.add(huge);
    expect(secrets.scrub(`a ${huge.toLowerCase()} b ${huge.toUpperCase()}`)).toBe(
      "a [REDACTED] b [REDACTED]",
    );
  });
});

describe("SecretSet: secrets echoed base64-encoded", () => {
  const base64 = (text: string) => Buffer.from(text).toString("base64");

  it("redacts each of a chunk's thousand passwords, at any offset, and keeps the words around them", () => {
    const passwords = Array.from({ length: 1000 }, () => faker.internet.password({ length: 12 }));
    const secrets = new SecretSet();
    for (const password of passwords) secrets.add(password);
    for (const [at, password] of [passwords[0], passwords[499], passwords[999]].entries()) {
      const echoed = base64(`${"h:".slice(0, at)}${password!}`);
      const scrubbed = secrets.scrub(`row ${at}: password refused (debug ${echoed}) for id 42`);
      expect(scrubbed).toMatch(/^row \d: password refused \(debug \S*\[REDACTED\]\S*\) for id 42$/);
      expect(scrubbed).not.toContain(base64(password!).slice(4, 12));
    }
  });

  it("redacts a secret whose base64 a MIME or PEM text wrapped, raw or JSON-escaped", () => {
    const secrets = new SecretSet();
    const key = `na1.${secretOf(40)}`;
    secrets.add(key);
    const debug = base64(`x-request-id: 777777;authorization: Basic ${key}`);
    for (const width of [76, 64]) {
      const wrapped = (lineBreak: string) =>
        secrets.scrub(
          `debug ${debug.replace(new RegExp(`.{${width}}(?=.)`, "g"), `$&${lineBreak}`)} end`,
        );
      const scrubbed = wrapped("\n");
      expect(scrubbed).toMatch(/^debug \S*\[REDACTED\]\S* end$/);
      const joined = scrubbed.replaceAll("\n", "");
      for (const at of [0, 1, 2, 3])
        expect(Buffer.from(joined.slice(6 + at), "base64").toString("latin1")).not.toContain(
          key.slice(10, 16),
        );
      // The same span is cut however the lines break: the `n` of an escaped `\n` is no base64 of the key.
      for (const lineBreak of ["\r\n", "\\n", "\\r\\n"])
        expect(wrapped(lineBreak)).toBe(scrubbed.replaceAll("\n", lineBreak));
    }
  });

  // A vendor's error body (up to 16 MiB) may be millions of short lines, or one line of millions of base64
  // characters: finding its runs must not take the engine a step deeper per line or per character, or
  // scrubbing it throws (a RangeError) out of the call it answers.
  it("scrubs a text of millions of short lines, or of one long line, a secret's base64 in it", () => {
    const secrets = new SecretSet();
    const key = `na1.${secretOf(40)}`;
    secrets.add(key);
    // Unpadded, so what follows can go on its run.
    const debug = base64(`authorization: Basic ${key}`)
      .replace(/=+$/, "")
      .replace(/.{76}(?=.)/g, "$&\n");
    // Lines on the secret's run (an escaped break is taken as a raw one is, so one kind is enough at this
    // size); one line of its own.
    for (const [before, rest] of [
      ["", "\na"],
      [" ", "aaa"],
    ] as const) {
      const text = `debug ${debug}${before}${rest.repeat(4_000_000)} end`;
      const scrubbed = secrets.scrub(text);
      expect(scrubbed).toContain("[REDACTED]");
      expect(scrubbed.slice(-20)).toBe(text.slice(-20));
    }
  });

  it("redacts a secret echoed base64url-encoded (as a JWT's claims copy it), where base64 has + or /", () => {
    // Letters and digits alone never make a `+` or `/`: `~`, `?` and `>` do, which base64url writes `-`, `_`.
    const secret = `${secretOf(8)}~~~???>>>${secretOf(8)}`;
    const secrets = new SecretSet();
    secrets.add(secret);
    for (const before of ["", "x", "xy"]) {
      const echoed = Buffer.from(`${before}${secret}`).toString("base64url");
      // The characters made of the secret's bytes alone: those shared with a neighbour's are kept.
      const [start, end] = [Math.ceil(before.length / 3) * 4, Math.floor(echoed.length / 4) * 4];
      expect(echoed.slice(start, end)).toMatch(/[-_]/);
      expect(secrets.scrub(`claims ${echoed}. refused`)).toBe(
        `claims ${echoed.slice(0, start)}[REDACTED]${echoed.slice(end)}. refused`,
      );
    }
  });

  it("redacts a secret's base64 standing before the secret itself", () => {
    // 30 bytes: 40 characters of base64, each of the key's bytes alone.
    const key = `na1.${secretOf(26)}`;
    const secrets = new SecretSet();
    secrets.add(key);
    expect(secrets.scrub(`debug ${base64(key)} key ${key} end`)).toBe(
      "debug [REDACTED] key [REDACTED] end",
    );
  });

  it("redacts whole the base64 of a password that another password of the chunk begins", () => {
    const short = faker.internet.password({ length: 12 });
    const long = `${short}${faker.internet.password({ length: 12 })}`;
    const secrets = new SecretSet();
    secrets.add(short, long);
    // 24 bytes: 32 characters of base64, each of the password's bytes alone.
    expect(secrets.scrub(`debug ${base64(long)} end`)).toBe("debug [REDACTED] end");
  });

  it("redacts a secret whose form-urlencoded body a gateway quotes base64-encoded", () => {
    const secret = `${secretOf(10)}~!'()${secretOf(10)}`;
    const secrets = new SecretSet();
    secrets.add(secret);
    const form = new URLSearchParams({ grant_type: "client_credentials", client_secret: secret });
    const scrubbed = secrets.scrub(`body ${base64(form.toString())} refused`);
    expect(scrubbed).toMatch(/^body \S*\[REDACTED\]\S* refused$/);
    const kept = Buffer.from(scrubbed.slice(5).replace(/\[REDACTED\][\s\S]*/, ""), "base64");
    expect(kept.toString("latin1")).not.toContain(secret.slice(0, 4));
  });

  it("redacts a secret whose base64 a text wrapped whole broke a few characters into", () => {
    // A log wrapped at 76 columns breaks where the line ends, maybe 1 to 7 characters into the base64.
    const key = `na1.${secretOf(26)}`;
    const secrets = new SecretSet();
    secrets.add(key);
    for (const lineBreak of ["\n", "\\r\\n"])
      for (let at = 1; at < 8; at++) {
        const wrapped = `${base64(key).slice(0, at)}${lineBreak}${base64(key).slice(at)}`;
        expect(secrets.scrub(`authorization: Basic ${wrapped} end`)).toBe(
          "authorization: Basic [REDACTED] end",
        );
      }
  });

  it("redacts a secret's wrapped base64 quoted in JSON twice, its line break escaped twice", () => {
    // 30 bytes: 40 characters of base64, each of the key's bytes alone. No control character in the key: a
    // level is read deeper for `\\n` only for a set holding one, so the outer level must join the lines.
    const key = `na1.${secretOf(26)}`;
    const secrets = new SecretSet();
    secrets.add(key);
    const quoted = (text: string) => JSON.stringify(text).slice(1, -1);
    const inner = (debug: string) => quoted(`{"debug":"${quoted(debug)}"}`);
    // As a JSON string quotes it, and with each of its backslashes written `\u005c`, three levels in all.
    for (const body of [
      (debug: string) => `{"error":"${inner(debug)}"}`,
      (debug: string) => `{"error":"${inner(debug).replaceAll("\\", "\\u005c")}"}`,
    ])
      for (const lineBreak of ["\n", "\r\n"]) {
        const wrapped = `${base64(key).slice(0, 20)}${lineBreak}${base64(key).slice(20)}`;
        expect(secrets.scrub(body(wrapped))).toBe(body("[REDACTED]"));
      }
  });

  it("redacts a secret's base64 starting with N just after an escaped backslash (a Windows path)", () => {
    // A key starting with 4 to 7 has base64 starting with N: `\\N` read as a break escaped twice lost it.
    // 30 bytes: 40 characters of base64, each of the key's bytes alone.
    const key = `4${secretOf(29)}`;
    const secrets = new SecretSet();
    secrets.add(key);
    for (const folder of ["keys", "r", "keys\\\\r"]) {
      const path = (file: string) => `{"path":"C:\\\\${folder}\\\\${file}"}`;
      expect(secrets.scrub(path(base64(key)))).toBe(path("[REDACTED]"));
    }
  });

  it("redacts a secret's base64 whose `/` a JSON text writes `\\/`, as PHP's json_encode does", () => {
    // `~`, `?` and `>` make a `/` of base64. 25 bytes: 32 characters of base64, each of the secret's bytes
    // alone.
    const secret = `${secretOf(8)}~~~???>>>${secretOf(8)}`;
    const secrets = new SecretSet();
    secrets.add(secret);
    const php = (text: string) => text.replaceAll("/", "\\/");
    const echoed = base64(secret);
    expect(echoed.slice(0, 32)).toContain("/");
    expect(secrets.scrub(`{"auth":"${php(echoed)}"}`)).toBe(
      `{"auth":"[REDACTED]${php(echoed.slice(32))}"}`,
    );
  });

  it("cuts a stretch starting a line of wrapped base64 from the line's start, keeping the break", () => {
    // 30 bytes: 40 characters of base64, each of the key's bytes alone.
    const key = `na1.${secretOf(26)}`;
    const secrets = new SecretSet();
    secrets.add(key);
    expect(secrets.scrub(`debug: Zm9vYmFy\n${base64(key)} end`)).toBe(
      "debug: Zm9vYmFy\n[REDACTED] end",
    );
  });

  it("redacts two secrets sharing bytes, echoed one after the other, whole", () => {
    // Each secret's stretch overlaps the other's: the one found first must not leave the rest behind.
    const secrets = new SecretSet();
    secrets.add("alpha-bravo-charlie", "charlie-delta-echo");
    const echoed = base64("x:alpha-bravo-charlie-delta-echo");
    expect(secrets.scrub(`debug ${echoed} end`)).toBe("debug eDph[REDACTED]aG8= end");
  });
});

describe("SecretSet at its bounds", () => {
  it("redacts the base64 of a secret of 6 characters: 8 characters of its own", () => {
    const secrets = new SecretSet();
    secrets.add("s3cr3t");
    const echoed = Buffer.from("s3cr3t").toString("base64");
    expect(echoed).toHaveLength(8);
    expect(secrets.scrub(`refused (debug ${echoed}) for id 42`)).toBe(
      "refused (debug [REDACTED]) for id 42",
    );
  });

  it("scrubDeep scrubs of a secret's runs a value as long as the 256 KiB it does so for", () => {
    const key = "Q7xK2mP9vL4wR8tZ";
    const secrets = new SecretSet();
    secrets.add(key);
    const cut = key.slice(0, 10);
    const value = `${"a".repeat(256 * 1024 - cut.length - 1)} ${cut}`;
    expect(value).toHaveLength(256 * 1024);
    // A string alone: an object's keys would take their share of the characters first.
    const scrubbed = secrets.scrubDeep(value);
    expect(scrubbed).not.toContain(cut);
    expect(scrubbed.endsWith(" [REDACTED]")).toBe(true);
  });

  it("scrubDeep scrubs a key of a secret's runs, words and numbers too: a key is no person's word", () => {
    const [letters, digits] = [faker.string.alpha(12), faker.string.numeric(12)];
    const secrets = new SecretSet();
    secrets.add(`na1.${letters}${digits}`);
    const body = { [`no user ${letters.slice(0, 10)}`]: 1, [`no key ${digits.slice(2)}`]: 2 };
    expect(secrets.scrubDeep(body)).toEqual({ "no user [REDACTED]": 1, "no key [REDACTED]": 2 });
  });

  it("scrubs of its runs a secret of 65,536 characters, the longest whose runs are held", () => {
    const token = randomBytes(49_152).toString("base64");
    expect(token).toHaveLength(65_536);
    const secrets = new SecretSet();
    secrets.add(token);
    expect(secrets.scrubRuns(`bad token "${token.slice(100, 110)}…"`)).toBe(
      'bad token "[REDACTED]…"',
    );
  });

  it("clip cuts a piece at the text's start as far as the characters it was folded from", () => {
    // `ß` folds as `ss`: the piece "ßen9" is 5 units folded (no run of 6), 4 characters as written.
    const secrets = new SecretSet();
    secrets.add("Straßen9");
    expect(secrets.clip("ßen9: refused", 100)).toBe("[REDACTED]: refused");
  });

  it("clip cuts a piece of a chosen word and one of another password, each where it stands", () => {
    const passwords = new SecretSet({ chosen: true });
    passwords.add("hunter", "Tr0ub4dor&3");
    expect(passwords.clip("nter: refused Tr0ub", 100)).toBe("[REDACTED]: refused [REDACTED]");
  });

  it("clip redacts a piece of a chosen word at the text's start, and only the piece", () => {
    const passwords = new SecretSet({ chosen: true });
    passwords.add("hunter");
    expect(passwords.clip("nter: rejected", 100)).toBe("[REDACTED]: rejected");
  });
});

describe("SecretSet: a secret a JSON text wrote with \\u escapes", () => {
  const key = secretOf(16);
  const secrets = new SecretSet();
  secrets.add(key);
  /** `text` with the characters at every `every`th place written as JSON's `\u` escape of them. */
  const escaped = (text: string, every: number) =>
    [...text]
      .map((c, i) => (i % every === 0 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}` : c))
      .join("");

  it("scrub redacts it whole, the runs between its escapes too short to be found", () => {
    expect(secrets.scrub(`{"token":"${escaped(key, 3)}"}`)).toBe('{"token":"[REDACTED]"}');
  });

  it("scrub cuts the span it stands in after an escape of a character that folds longer (ß)", () => {
    // `\u00df` is `ß`, which folds as `ss`: read and folded, the text past it is shifted from the raw.
    expect(secrets.scrub(`\\u00df x ${escaped(key, 3)} y`)).toBe("\\u00df x [REDACTED] y");
  });

  it("scrubRuns and clip redact a run of it cut short", () => {
    const piece = escaped(key.slice(2, 12), 3);
    expect(secrets.scrubRuns(`bad key "${piece}…"`)).toBe('bad key "[REDACTED]…"');
    expect(secrets.clip(`bad key "${piece}…"`, 100)).toBe('bad key "[REDACTED]…"');
  });

  it("scrub reads an escaped backslash then u0041 as written, not as an escape of A", () => {
    // JSON writes the password `pass\u0041word-x` as `pass\\u0041word-x`; here with its `p` escaped too.
    const set = new SecretSet();
    set.add("pass\\u0041word-x");
    expect(set.scrub('{"password":"\\u0070ass\\\\u0041word-x"}')).toBe('{"password":"[REDACTED]"}');
  });

  it("scrub redacts a chosen word, a short secret and one of 8192 or more characters so written", () => {
    // Python writes each character beyond ASCII as an escape, .NET each `+`.
    const passwords = new SecretSet({ chosen: true });
    passwords.add("contraseña", "año1");
    expect(passwords.scrub('{"password":"contrase\\u00f1a"}')).toBe('{"password":"[REDACTED]"}');
    expect(passwords.scrubChosenRuns('{"password":"contrase\\u00f1a"}')).toBe(
      '{"password":"[REDACTED]"}',
    );
    expect(passwords.scrub('{"password":"a\\u00f1o1"}')).toBe('{"password":"[REDACTED]"}');
    const huge = randomBytes(48_000).toString("base64");
    expect(huge).toContain("+");
    const tokens = new SecretSet();
    tokens.add(huge);
    expect(tokens.scrub(`a ${huge.replaceAll("+", "\\u002B")} b`)).toBe("a [REDACTED] b");
  });

  it("scrubRuns and clip redact a run or a piece of a chosen word so written", () => {
    const passwords = new SecretSet({ chosen: true });
    passwords.add("pequeñoniño");
    // Between its escape and the text's edges, the piece's runs as written are under 6 characters.
    expect(passwords.scrubRuns('bad password "que\\u00f1oni\\u00f1…"')).toBe(
      'bad password "[REDACTED]…"',
    );
    expect(passwords.clip("ni\\u00f1o: refused", 100)).toBe("[REDACTED]: refused");
  });

  it("scrubChosenRuns keeps a word so written as it keeps the word written as it reads", () => {
    const passwords = new SecretSet({ chosen: true });
    passwords.add("contraseña");
    for (const reason of ["Contraseña incorrecta", "Contrase\\u00f1a incorrecta"])
      expect(passwords.scrubChosenRuns(reason)).toBe(reason);
  });

  it("clip redacts a piece at its end however far into an escape the cut fell", () => {
    const set = new SecretSet();
    set.add("abcdefgh+ijklmn");
    // `x abcd\`, `x abcd\u`, … `x abcd\u0065`: the piece of an escape is no part of the kept text.
    for (let max = 7; max <= 12; max++)
      expect(set.clip("x abcd\\u0065fgh y", max), String(max)).toBe("x [REDACTED]");
  });
});

describe("SecretSet: a secret escaped twice, in a JSON text that a JSON string quotes", () => {
  // A .NET or Java service's error quoting the JSON body it got escapes that body's escapes again:
  // `\u002B` as `\\u002B`, `\"` as `\\\"`.
  /** `text` as a JSON string writes it, without its quotes. */
  const quoted = (text: string) => JSON.stringify(text).slice(1, -1);
  /** `secret` as .NET's serializer writes it (`+` as `\u002B`). */
  const dotNet = (secret: string) => secret.replaceAll("+", "\\u002B");
  /** `secret` as Python's writes it (every character beyond ASCII as a `\u` escape). */
  const python = (secret: string) =>
    secret.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  // Between their escapes, each as written holds no run of 6 of its characters.
  const kinds = [
    {
      kind: "a long token with + and /",
      secret: "k7+Qz/w9+Lm/R2+xT/p4+Hs/N8+dV/b6+",
      write: dotNet,
    },
    { kind: "a client secret beyond ASCII", secret: "clé-Ünïcödé-sécrète-42é", write: python },
    { kind: "a chosen word", secret: "contraseña", write: python, chosen: true },
    { kind: "a short chosen password", secret: "año1", write: python, chosen: true },
  ];
  const setOf = (secret: string, chosen = false) => {
    const set = new SecretSet({ chosen });
    set.add(secret);
    return set;
  };

  it.each(kinds)("scrub redacts $kind", ({ secret, write, chosen }) => {
    const body = (key: string) => `{"error":"rejected","request":"${quoted(`{"key":"${key}"}`)}"}`;
    expect(setOf(secret, chosen).scrub(body(write(secret)))).toBe(body("[REDACTED]"));
  });

  it.each(kinds.slice(0, 3))("scrubRuns and clip redact a run of $kind cut short", (kind) => {
    const set = setOf(kind.secret, kind.chosen);
    const piece = quoted(kind.write(kind.secret.slice(1, -1)));
    expect(set.scrubRuns(`bad key "${piece}…"`)).toBe('bad key "[REDACTED]…"');
    expect(set.clip(`bad key "${piece}…"`, 100)).toBe('bad key "[REDACTED]…"');
  });

  it("clip redacts a piece at its end however far into an escape escaped twice the cut fell", () => {
    const set = setOf("abcdefgh+ijklmn");
    // `x abcd\`, `x abcd\\`, `x abcd\\u`, … `x abcd\\u0065`.
    for (let max = 7; max <= 13; max++)
      expect(set.clip("x abcd\\\\u0065fgh y", max), String(max)).toBe("x [REDACTED]");
  });

  it("scrub redacts a secret holding a quote, escaped twice", () => {
    const set = setOf('q"uote+d/secret"x1');
    expect(set.scrub(`{"m":"${quoted(quoted('q"uote+d/secret"x1'))}"}`)).toBe('{"m":"[REDACTED]"}');
  });

  it("scrub redacts a secret escaped three times", () => {
    const [{ secret, write }] = kinds as [(typeof kinds)[number]];
    const body = (key: string) => `{"m":"${quoted(quoted(`{"key":"${key}"}`))}"}`;
    expect(setOf(secret).scrub(body(write(secret)))).toBe(body("[REDACTED]"));
  });

  it.each([
    { kind: "a long token with + and /", secret: "k7+Qz/w9+Lm/R2+xT/p4+Hs/N8+dV/b6+" },
    // Its line break escaped twice, `\\n`, is the only escape of the text read otherwise a level deeper.
    {
      kind: "a key holding a line break",
      secret: "MIIBOgIBAAJBAKj34GkxFhD9\nqB0vPaGkMp2QJXn2Ltvg",
    },
  ])("scrub redacts $kind escaped twice beside Windows paths quoted in JSON", ({ secret }) => {
    // The paths' `\\b` and `\\t` are read a level deeper only for a secret holding such a character.
    const body = (key: string) =>
      `{"path":"${quoted("C:\\Users\\bob\\temp")}","request":"${quoted(`{"key":"${key}"}`)}"}`;
    expect(setOf(secret).scrub(body(quoted(dotNet(secret))))).toBe(body("[REDACTED]"));
  });

  it("scrubChosenRuns keeps a word escaped twice as it keeps the word written as it reads", () => {
    const set = setOf("contraseña", true);
    for (const reason of ["Contraseña incorrecta", quoted("Contrase\\u00f1a incorrecta")])
      expect(set.scrubChosenRuns(reason)).toBe(reason);
  });
});
