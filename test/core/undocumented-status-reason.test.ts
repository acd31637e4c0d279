// A status the vendor's documentation does not list (a 413 for a chunk the library thought fit) fails the
// chunk's records. Their reason must carry what the vendor said, not only the status: it is all a user has to
// act on. The vendor's words pass through the scrubber like every other vendor text.
import { describe, expect, it } from "vitest";
import { vendorMessage } from "../../src/core/errors/vendor-message.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { importUsers as importFullStory } from "../../src/fullstory/index.js";
import { importUsers as importPropeller } from "../../src/propeller/index.js";
import { json } from "../../src/testing/faults.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { propellerError } from "../../src/testing/propeller.js";
import { containing, matching } from "../support/matchers.js";
import { useMswServer } from "../support/msw.js";
import { API_KEY, mountFullStory } from "../fullstory/harness.js";
import { mountPropeller, propellerClient, users } from "../propeller/harness.js";

const server = useMswServer();
const f = seededFaker("undocumented status reason");
const quick = { sleep: async () => {}, pollIntervalMs: 10 };

/** Imports two FullStory users while every batch request is answered `status` with `body`. */
async function fullStoryImportAnswered(status: number, body: unknown) {
  mountFullStory(server, {
    faults: {
      script: ({ operation }) =>
        operation === "createBatchImport" ? { answer: () => json(body, status) } : undefined,
    },
  });
  const client = createFullStoryClient({ apiKey: API_KEY, retryBaseDelayMs: 1 });
  const records = [{ uid: f.string.uuid() }, { uid: f.string.uuid() }];
  return importFullStory(client, records, quick);
}

describe("records of a chunk refused with an undocumented status", () => {
  it("FullStory 413: each record's reason quotes the vendor's message", async () => {
    const said = `batch body exceeds ${f.number.int({ min: 5, max: 20 })} MB; send fewer users`;
    const report = await fullStoryImportAnswered(413, { message: said, code: "too_large" });
    expect(report.failed).toBe(2);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({
        outcome: "failed",
        code: "undocumented",
        reason: matching(/undocumented HTTP status 413: /),
      });
      expect(outcome).toMatchObject({ reason: containing(said) });
    }
  });

  it("Propeller 413: each user's reason quotes the messages inside the body's error object", async () => {
    const said = `at most ${f.number.int({ min: 100, max: 999 })} users per request`;
    mountPropeller(server, {
      bulk: () => ({ answer: json(propellerError(413, 10017, "PayloadTooLarge", [said]), 413) }),
    });
    const report = await importPropeller(propellerClient().client, users(2), {
      sleep: async () => {},
    });
    expect(report.failed).toBe(2);
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({ outcome: "failed", reason: containing(said) });
    }
  });

  it("a vendor message echoing the API key reaches the report redacted", async () => {
    const report = await fullStoryImportAnswered(413, {
      message: `request with key ${API_KEY} is too large`,
    });
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({
        reason: containing("request with key [REDACTED] is too large"),
      });
      expect(JSON.stringify(outcome)).not.toContain(API_KEY);
    }
  });

  it("a body without words leaves the reason at the status", async () => {
    const report = await fullStoryImportAnswered(413, { code: 413, limit: 10_000_000 });
    for (const outcome of report.outcomes) {
      expect(outcome).toMatchObject({
        reason: "createBatchImport (POST /v2/users/batch): undocumented HTTP status 413",
      });
    }
  });
});

describe("vendorMessage", () => {
  it("prefers a top-level text field, then a list, then the same inside an `error` object", () => {
    expect(vendorMessage({ title: "t", detail: "d" }, 300)).toBe("d");
    expect(vendorMessage({ errors: ["a", { detail: "b" }, { code: 1 }, 7] }, 300)).toBe("a; b");
    expect(vendorMessage({ error: { messages: ["nested"] } }, 300)).toBe("nested");
    expect(vendorMessage({ error: "plain" }, 300)).toBe("plain");
  });

  it("says nothing for a body without words, or with words only its prototype lends it", () => {
    expect(vendorMessage({ code: 413 }, 300)).toBeUndefined();
    expect(vendorMessage("<html>413</html>", 300)).toBeUndefined();
    expect(vendorMessage([{ message: "in an array body" }], 300)).toBeUndefined();
    expect(vendorMessage(Object.create({ message: "inherited" }) as unknown, 300)).toBeUndefined();
    expect(vendorMessage({ message: " \n\t " }, 300)).toBeUndefined();
  });

  it("takes a title alone (a problem body may hold no detail), and passes over a list of no words", () => {
    expect(vendorMessage({ type: "about:blank", title: "Payload Too Large" }, 300)).toBe(
      "Payload Too Large",
    );
    expect(vendorMessage({ messages: [], error: { errors: [{ detail: "too many" }] } }, 300)).toBe(
      "too many",
    );
    expect(vendorMessage({ errors: [{ code: 1 }] }, 300)).toBeUndefined();
  });

  it("folds whitespace and keeps at most `max` characters", () => {
    expect(vendorMessage({ message: "too\n\n  large" }, 300)).toBe("too large");
    const long = f.string.alpha(1_000);
    expect(vendorMessage({ message: long }, 300)).toBe(long.slice(0, 300));
  });
});
