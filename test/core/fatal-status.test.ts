// `report.fatalStatus` says what kind of answer stopped the import, so that a caller (the CLI's summary)
// can tell a credential refusal (401, 403, of a token request too) from another stop without reading the
// message. It is the status of the answer `report.fatal` quotes: a later fatal answer, or one after the run
// stopped itself (a journal that could not be written), does not give its status to another stop's message.
import { describe, expect, it, vi } from "vitest";
import type { ChunkResult } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import { ApiError, type ApiErrorVariant } from "../../src/core/errors/api-error.js";
import { SecretSet } from "../../src/core/errors/secrets.js";
import { journalFile } from "../support/journal-file.js";
import { testAdapter } from "../support/test-adapter.js";

const disk = vi.hoisted(() => ({ full: "" }));

vi.mock("node:fs", async (importOriginal) => {
  const { fullDisk } = await import("../support/full-disk.js");
  return fullDisk(await importOriginal(), (file) => (file === disk.full ? 0 : undefined));
});

type User = { id: string };

const answer = (variant: ApiErrorVariant) =>
  ApiError.of(variant, { operation: "op", method: "POST", path: "/x" }, new SecretSet());

const fatal = (variant: ApiErrorVariant): ChunkResult => ({
  kind: "fatal",
  error: answer(variant),
});

/** The report of a one-chunk import the vendor answers with `variant`. */
const stoppedBy = (variant: ApiErrorVariant) =>
  runImport(
    testAdapter<User>(() => Promise.resolve(fatal(variant))),
    [{ id: "u0" }],
  );

describe("report.fatalStatus", () => {
  it("is the status of a documented 401 or 403, and of an undocumented one", async () => {
    expect((await stoppedBy({ status: 401, body: {}, headers: {} })).fatalStatus).toBe(401);
    expect((await stoppedBy({ status: 403, body: {}, headers: {} })).fatalStatus).toBe(403);
    const undocumented = await stoppedBy({
      status: "undocumented",
      httpStatus: 403,
      body: { message: "forbidden" },
      headers: {},
    });
    expect(undocumented.fatal).toMatch(/undocumented HTTP status 403/);
    expect(undocumented.fatalStatus).toBe(403);
  });

  it("is a token answer's status, `auth` when none says why, and a redirect's 3xx", async () => {
    const auth = await stoppedBy({ status: "auth", reason: "no token" });
    expect(auth.fatalStatus).toBe("auth");
    // The token request's answer, when one came, tells the credentials refused from a wrong URL.
    const refused = await stoppedBy({ status: "auth", reason: "token refused", httpStatus: 401 });
    expect(refused.fatalStatus).toBe(401);
    const notFound = await stoppedBy({
      status: "auth",
      reason: "no token endpoint",
      httpStatus: 404,
    });
    expect(notFound.fatalStatus).toBe(404);
    const redirect = await stoppedBy({
      status: "redirect",
      httpStatus: 307,
      location: "https://elsewhere.example/",
    });
    expect(redirect.fatalStatus).toBe(307);
  });

  // The CLI tells a token endpoint's refusal of the client from a 400 of another kind by this code alone.
  it("comes with a token answer's OAuth2 error code, and never with free text in its place", async () => {
    const refused = await stoppedBy({
      status: "auth",
      reason: "token refused",
      httpStatus: 400,
      oauthError: "invalid_client",
    });
    expect([refused.fatalStatus, refused.fatalOAuthError]).toEqual([400, "invalid_client"]);
    const words = await stoppedBy({
      status: "auth",
      reason: "token refused",
      httpStatus: 400,
      oauthError: "Invalid client: ask admin@example.com",
    });
    expect(words.fatalStatus).toBe(400);
    expect(words).not.toHaveProperty("fatalOAuthError");
    // Shaped as a code, but none RFC 6749 registers: another service's 400.
    const unregistered = await stoppedBy({
      status: "auth",
      reason: "token refused",
      httpStatus: 400,
      oauthError: "bad_request",
    });
    expect(unregistered).not.toHaveProperty("fatalOAuthError");
    // Only an `auth` failure's: no other answer is a token request's, whatever fields an adapter's own
    // `ApiError` holds.
    const other = await stoppedBy({
      status: 401,
      body: { error: "invalid_client" },
      headers: {},
      oauthError: "invalid_client",
    });
    expect(other.fatalStatus).toBe(401);
    expect(other).not.toHaveProperty("fatalOAuthError");
  });

  // A client secret may share a run of 6 characters with a code (`_client`), which the scrub takes out of a
  // text; the code, one of RFC 6749's words, quotes none of the secret and must stay.
  it("keeps the OAuth2 error code when the client's scrub would cut a run of it", async () => {
    const secrets = new SecretSet();
    secrets.add("acme_client_secret_123");
    const scrub = (text: string) => secrets.scrubRuns(text);
    expect(scrub("invalid_client")).not.toBe("invalid_client");
    const error = answer({
      status: "auth",
      reason: "token refused",
      httpStatus: 400,
      oauthError: "invalid_client",
    });
    const report = await runImport(
      testAdapter<User>(() => Promise.resolve({ kind: "fatal", error }), { scrub }),
      [{ id: "u0" }],
    );
    expect([report.fatalStatus, report.fatalOAuthError]).toEqual([400, "invalid_client"]);
    expect(JSON.stringify(report)).not.toContain("acme_client_secret_123");
  });

  it("is that of the first fatal answer, which report.fatal quotes, of two chunks", async () => {
    let releaseSecond = () => {};
    const secondMayAnswer = new Promise<void>((resolve) => (releaseSecond = resolve));
    const adapter = testAdapter<User>(async (chunk) => {
      if (chunk.keys[0] === "u0") {
        setImmediate(releaseSecond);
        return fatal({ status: 403, body: { message: "no permission" }, headers: {} });
      }
      await secondMayAnswer;
      await new Promise((resolve) => setImmediate(resolve));
      return fatal({ status: "auth", reason: "token refused" });
    });

    const report = await runImport(adapter, [{ id: "u0" }, { id: "u1" }], {
      chunkRecords: 1,
      concurrency: 2,
    });

    expect(report.chunks.sent).toBe(2);
    expect(report.fatal).toMatch(/HTTP 403/);
    expect(report.fatalStatus).toBe(403);
  });

  it("is absent when a journal that could not be written stopped the run before a 401 came", async () => {
    const journal = journalFile("fatal-status-after-journal-stop");
    let releaseSecond = () => {};
    const secondMayAnswer = new Promise<void>((resolve) => (releaseSecond = resolve));
    const adapter = testAdapter<User>(async (chunk) => {
      if (chunk.keys[0] === "u0") {
        // The disk fills as the first chunk's outcomes are to be recorded.
        disk.full = journal;
        setImmediate(releaseSecond);
        return { kind: "done", outcomes: [{ ok: true }] };
      }
      await secondMayAnswer;
      await new Promise((resolve) => setImmediate(resolve));
      return fatal({ status: 401, body: {}, headers: {} });
    });

    try {
      const report = await runImport(adapter, [{ id: "u0" }, { id: "u1" }], {
        chunkRecords: 1,
        concurrency: 2,
        journal,
      });

      expect(report.chunks.sent).toBe(2);
      expect(report.fatal).toMatch(/ENOSPC/);
      expect(report.fatalStatus).toBeUndefined();
    } finally {
      disk.full = "";
    }
  });

  it("is absent from a run no answer stopped", async () => {
    const report = await runImport(
      testAdapter<User>((chunk) =>
        Promise.resolve({ kind: "done", outcomes: chunk.items.map(() => ({ ok: true })) }),
      ),
      [{ id: "u0" }],
    );
    expect(report.fatal).toBeUndefined();
    expect(report).not.toHaveProperty("fatalStatus");
  });
});
