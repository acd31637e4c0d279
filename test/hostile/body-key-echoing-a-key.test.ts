// An error body may name the credential as a key of an object (a gateway listing the headers it refused by
// name), cut short as a field of limited length holds it. Keys of the body are scrubbed as its strings are:
// of any run of 6 or more of a secret's characters, not only of the secret whole.
import { expect, it } from "vitest";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import { expectNoSecret } from "./leaks.js";

const apiKey = "upk7x9Qm2Lw8Rt5Zp3Vn6Bc1Hd4Jf0Ks";
const answer = () =>
  Promise.resolve(
    Response.json(
      { message: "refused", refused: { [apiKey.slice(0, 20)]: "bad" } },
      { status: 418 },
    ),
  );

it("an undocumented status's body keeps no piece of the key in its keys", async () => {
  const client = createUserpilotClient({ apiKey, maxRetries: 0, fetch: answer });
  const result = await client.getBackgroundJob({ params: { path: { job_id: "job-1" } } });
  expect(result.ok ? "ok" : result.error.status).toBe("undocumented");
  if (!result.ok) {
    expect(result.error).toMatchObject({ body: { message: "refused", refused: {} } });
    expectNoSecret(result.error, [apiKey]);
  }
});

it("a raw call's returned error keeps no piece of the key in its keys", async () => {
  const client = createUserpilotClient({ apiKey, maxRetries: 0, fetch: answer });
  const { error } = await client.raw.GET("/v1/background_jobs/{job_id}", {
    params: { path: { job_id: "job-1" } },
  });
  expectNoSecret(error, [apiKey]);
});
