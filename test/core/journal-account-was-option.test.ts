// `journalAccountWas` is checked before anything is read or sent, like the engine's other options: a blank or
// non-string value, or one given without `journal` (nothing would check it), is a TypeError that names the
// option and never repeats the value, which may be a credential pasted by mistake.
import { describe, expect, it } from "vitest";
import type { ImportAdapter } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import { journalFile } from "../support/journal-file.js";

function vendor() {
  const sent: string[][] = [];
  const adapter: ImportAdapter<{ id: string }> = {
    vendor: "test",
    replay: { by: "none", why: "the test vendor could import twice" },
    limits: { maxRecords: 100 },
    defaults: { chunkRecords: 10, concurrency: 1 },
    keyOf: (user) => user.id,
    validate: (user) => ({ ok: true, item: user }),
    scrub: (text) => text,
    destination: "https://api.example.com key:bbbbbbbbbbbb",
    send: (chunk) => {
      sent.push([...chunk.keys]);
      return Promise.resolve({ kind: "done", outcomes: chunk.items.map(() => ({ ok: true })) });
    },
  };
  return { adapter, sent };
}

const PASTED_KEY = "sk-live-0f9e8d7c6b5a";

describe("journalAccountWas", () => {
  it.each([
    ["a blank string", "  ", /got a blank string$/],
    ["a number", 5, /got (a )?number$/],
    ["null", null, /got null$/],
  ])("%s is refused before anything is sent", async (_, value, got) => {
    const { adapter, sent } = vendor();
    const options = { journal: journalFile("account-was-option"), journalAccountWas: value };
    const run = runImport(adapter, [{ id: "u0" }], options as { journalAccountWas: string });
    await expect(run).rejects.toBeInstanceOf(TypeError);
    await expect(run).rejects.toThrow(got);
    expect(sent).toEqual([]);
  });

  it("without journal is refused, the value not repeated", async () => {
    const { adapter, sent } = vendor();
    const run = runImport(adapter, [{ id: "u0" }], { journalAccountWas: PASTED_KEY });
    await expect(run).rejects.toThrow(
      new TypeError(
        "journalAccountWas: given without journal; it states the account of the journal a run resumes",
      ),
    );
    expect(sent).toEqual([]);
  });
});
