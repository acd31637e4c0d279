// A caller's callback that throws stops the run, and the records it did not send say why, quoting the error:
// the quote is scrubbed of the adapter's secrets, as every text a record carries is.
import { faker } from "@faker-js/faker";
import { expect, it } from "vitest";
import { runImport } from "../../src/core/engine/engine.js";
import type { RecordOutcome } from "../../src/core/engine/report.js";
import { importEvery, testAdapter } from "../support/test-adapter.js";

it("records not sent after onProgress threw quote its error without the adapter's secret", async () => {
  const secret = faker.string.alphanumeric(32);
  const adapter = testAdapter<{ id: string }>(importEvery, {
    scrub: (text) => text.replaceAll(secret, "[redacted]"),
  });
  // A caller's sink that names its own URL in its error, holding the very key the import was given.
  const failing = new Error(`the progress sink https://127.0.0.1/hook?key=${secret} is closed`);
  const seen: RecordOutcome[] = [];
  await expect(
    runImport(
      adapter,
      Array.from({ length: 8 }, (_, i) => ({ id: `u${i}` })),
      {
        progressEvery: 1,
        onOutcome: (outcome) => seen.push(outcome),
        onProgress: ({ validated }) => {
          if (validated === 4) throw failing;
        },
      },
    ),
  ).rejects.toBe(failing);
  const unsent = seen.filter(
    (o) =>
      o.outcome === "failed" && o.reason.startsWith("not sent: the import stopped at the error"),
  );
  expect(unsent.length).toBeGreaterThan(0);
  for (const outcome of unsent)
    expect(outcome).toMatchObject({
      code: "aborted",
      reason:
        "not sent: the import stopped at the error it rejects with " +
        "(the progress sink https://127.0.0.1/hook?key=[redacted] is closed)",
    });
  expect(JSON.stringify(seen)).not.toContain(secret);
});
