// A JSON array broken by a token out of place (a stray comma, a missing one) names the byte the token
// starts at, as a character out of place was named: "Unexpected COMMA in state VALUE" named no place, and a
// file of gigabytes could not be searched for it. The records before the break are read.
import { describe, expect, it } from "vitest";
import { readJsonUntilBreak, useTempDir } from "./helpers.js";

const file = useTempDir("bui-json-token-break-");

describe("a JSON array broken by a token out of place names its byte", () => {
  it("a stray comma", async () => {
    const text = '[{"uid":"a1"},,{"uid":"a3"}]';

    const [records, message] = await readJsonUntilBreak(file("comma.json", text));

    expect(records).toEqual([{ uid: "a1" }]);
    expect(message).toMatch(/: Unexpected COMMA at byte 14 in state VALUE$/);
    expect(text[14]).toBe(",");
  });

  it("a missing comma past the first 64 KiB: the byte counts from the file's start", async () => {
    const big = { uid: "a1", display_name: "x".repeat(70 * 1024) };
    const text = `[${JSON.stringify(big)},\n{"uid":"a2"}\n{"uid":"a3"}]`;
    const at = text.lastIndexOf("{");

    const [records, message] = await readJsonUntilBreak(file("missing.json", text));

    expect(records).toEqual([big, { uid: "a2" }]);
    expect(message).toMatch(new RegExp(`: Unexpected LEFT_BRACE at byte ${at} in state COMMA$`));
  });
});
