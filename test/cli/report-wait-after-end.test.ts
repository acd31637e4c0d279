// The CLI reads its input only while the report file keeps up (`ReportWriter.ready` between records). When the
// run stops while the reader waits for the disk (Ctrl-C, a journal that does not fit), the report is ended
// without a `drain`: a wait that never settled held the reading for ever, so the input was never closed
// (its file descriptor and the readers leaked past the end of the run).
import { setTimeout as delay } from "node:timers/promises";
import { expect, it } from "vitest";
import { ReportWriter } from "../../src/cli/report-file.js";
import { reportOf } from "../support/report.js";
import { useTempDir } from "./helpers.js";

const file = useTempDir();

const report = reportOf({ vendor: "test", aborted: true });

/** A writer whose file is behind: more than a batch of lines handed to it, its `ready` waiting for the disk. */
async function writerBehind(
  name: string,
): Promise<{ writer: ReportWriter; waiting: Promise<string> }> {
  const writer = await ReportWriter.open(file(name), {
    vendor: "test",
    input: "in.ndjson",
    startedAt: new Date(0).toISOString(),
  });
  const reason = "x".repeat(200);
  for (let index = 0; index < 1000; index++)
    writer.outcome({ index, key: `k${index}`, outcome: "failed", code: "aborted", reason });
  const waiting = writer.ready().then(
    () => "settled",
    () => "settled",
  );
  return { writer, waiting };
}

const settledSoon = (waiting: Promise<string>) =>
  Promise.race([waiting, delay(500).then(() => "still waiting")]);

it("ends a wait for the disk when the report is finished", async () => {
  const { writer, waiting } = await writerBehind("finished.ndjson");
  await writer.finish(report);
  expect(await settledSoon(waiting)).toBe("settled");
});

it("ends a wait for the disk when the report is abandoned", async () => {
  const { writer, waiting } = await writerBehind("abandoned.ndjson");
  writer.abandon();
  expect(await settledSoon(waiting)).toBe("settled");
});
