// updateUser: FullStory's rules checked before sending, and uid immutability as a typed error.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import { updateUser, type FullStoryUserUpdate } from "../../src/fullstory/index.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { fullStoryUpdateUser, fullStoryUserId } from "../../src/testing/fixtures/fullstory.js";
import { containing } from "../support/matchers.js";
import { HOSTS, useMswServer } from "../support/msw.js";

const server = useMswServer();

/** A FullStory that answers updateUser with `answer`, recording each request's body. */
function vendor(answer: (body: unknown) => Response = () => HttpResponse.json({ id: "ignored" })) {
  const seen: { id: string; body: unknown }[] = [];
  server.use(
    http.post(`${HOSTS.fullstory}/v2/users/:id`, async ({ request, params }) => {
      const body: unknown = await request.json();
      seen.push({ id: String(params["id"]), body });
      return answer(body);
    }),
  );
  return seen;
}

const client = () =>
  createFullStoryClient({
    // Random, as real keys are: an error is scrubbed of any run of 6 of the key's characters, so a key made
    // of words (`na1.update-user-key`) would hide FullStory's "cannot be updated" from the check below.
    apiKey: "na1.Qx7vK2mW9pLr4TzB",
    maxRetries: 1,
    sleep: async () => {},
  });

describe("updateUser", () => {
  it("sends a valid update to POST /v2/users/{id} and returns FullStory's id", async () => {
    const f = seededFaker("fullstory-update");
    const id = fullStoryUserId(f);
    const user = fullStoryUpdateUser(f);
    const seen = vendor(() => HttpResponse.json({ id }));
    const result = await updateUser(client(), id, user);

    expect(result).toMatchObject({ ok: true, status: 200, data: { id } });
    expect(seen).toEqual([{ id, body: JSON.parse(JSON.stringify(user)) as unknown }]);
  });

  it("takes a 200 naming another user as malformed, saying FullStory may hold the update", async () => {
    const seen = vendor(() => HttpResponse.json({ id: "43" }));
    const result = await updateUser(client(), "42", { display_name: "Ada" });

    expect(seen).toHaveLength(1);
    expect(result).toMatchObject({
      ok: false,
      error: {
        status: "malformed",
        httpStatus: 200,
        operation: "updateUser",
        reason: containing('"43"'),
      },
    });
    // Which user was sent, as well as which the answer names.
    expect(!result.ok && result.error.message).toContain('names user "43", not user "42"');
    expect(!result.ok && result.error.message).toContain("FullStory may hold this update");
  });

  it("keeps the key out of a 200 naming another user: body excerpt and headers scrubbed", async () => {
    // A proxy or FullStory echoing the request's key in the answer it gives for another user.
    const key = "na1.Qx7vK2mW9pLr4TzB";
    vendor(() =>
      HttpResponse.json(
        { id: "43", requestedBy: `Basic ${key}` },
        { headers: { "x-echo-authorization": `Basic ${key}` } },
      ),
    );
    const result = await updateUser(client(), "42", { display_name: "Ada" });

    if (result.ok || result.error.status !== "malformed") throw new Error("expected malformed");
    expect(result.error.bodyText).toContain('"id":"43"');
    expect(result.error.headers["x-echo-authorization"]).toContain("Basic ");
    expect(JSON.stringify(result)).not.toContain("Qx7vK2");
  });

  it("names the path the update was sent to, encoded, when a 200 names another user", async () => {
    const seen = vendor(() => HttpResponse.json({ id: "43" }));
    const result = await updateUser(client(), "a/b?c", { display_name: "Ada" });

    expect(seen.map(({ id }) => id)).toEqual(["a/b?c"]);
    expect(result).toMatchObject({ ok: false, error: { path: "/v2/users/a%2Fb%3Fc" } });
  });

  it("quotes the first 512 characters of a long 200 naming another user", async () => {
    const note = "n".repeat(1000);
    vendor(() => HttpResponse.json({ id: "43", note }));
    const result = await updateUser(client(), "42", { display_name: "Ada" });

    if (result.ok || result.error.status !== "malformed") throw new Error("expected malformed");
    expect(result.error.bodyText).toBe(JSON.stringify({ id: "43", note }).slice(0, 512));
  });

  it("returns every broken rule as `invalid` without sending", async () => {
    const seen = vendor();
    const result = await updateUser(client(), "42", {
      uid: "u-1",
      properties: { "bad name": 1 },
      schema: null,
      id: "42",
    } as unknown as FullStoryUserUpdate);

    expect(seen).toEqual([]);
    expect(result.ok).toBe(false);
    if (result.ok || result.error.status !== "invalid") throw new Error("expected invalid");
    expect(result.error.problems.map((p) => p.rule).sort()).toEqual([
      "fullstory.property_name",
      "fullstory.schema_type", // an update's schema is an object, never null
      "fullstory.unknown_field", // the FullStory id goes in the path, not the body
    ]);
    expect(result.error.message).toContain("properties.bad name");
    // Every rule broken, in one message, each told apart by `; `.
    expect(result.error.message).toBe(
      `user 42: ${result.error.problems.map((p) => p.message).join("; ")}`,
    );
  });

  it("returns a uid of blanks only as `invalid` without sending: set once, a uid never changes", async () => {
    const seen = vendor(() => HttpResponse.json({ id: "42" }));
    for (const uid of [" ", "\u00a0\u3000", ""]) {
      const result = await updateUser(client(), "42", { uid, display_name: "Ada" });
      expect(result).toMatchObject({
        ok: false,
        error: {
          status: "invalid",
          problems: [{ rule: "fullstory.field_type", message: "uid: must not be blank" }],
        },
      });
    }
    expect(seen).toEqual([]);
    // Blanks around a uid are the uid's own: sent as given.
    expect(await updateUser(client(), "42", { uid: " u-1 " })).toMatchObject({ ok: true });
    expect(seen.map(({ body }) => body)).toEqual([{ uid: " u-1 " }]);
  });

  it("returns uid_immutable without sending when currentUid differs from the new uid", async () => {
    const seen = vendor();
    const result = await updateUser(client(), "42", { uid: "new-uid" }, { currentUid: "old-uid" });

    expect(seen).toEqual([]);
    expect(result).toMatchObject({
      ok: false,
      error: { status: "uid_immutable", message: containing("old-uid") },
    });
    // Which uid the user has and which the update sends, the right way round.
    expect(!result.ok && result.error.message).toBe(
      'user 42 has uid "old-uid"; FullStory uids cannot be changed (the update sends "new-uid")',
    );
    expect(!result.ok && "body" in result.error).toBe(false);
  });

  it("sends when currentUid is the same uid, or the update leaves the uid out", async () => {
    const seen = vendor(() => HttpResponse.json({ id: "42" }));
    const client_ = client();
    const same = await updateUser(
      client_,
      "42",
      { uid: "u-1", email: "a@example.com" },
      { currentUid: "u-1" },
    );
    const without = await updateUser(client_, "42", { display_name: "Ada" }, { currentUid: "u-1" });

    expect(same.ok && without.ok).toBe(true);
    expect(seen).toHaveLength(2);
  });

  it.each([
    { code: "uid_immutable", message: "nope" },
    { code: "invalid_argument", message: "The uid of an identified user cannot be changed" },
    { code: "bad_request", message: "UID is immutable once set" },
    { code: "bad_request", message: "user uid already set" },
    { code: "bad_request", message: "The UID Cannot Be Changed" },
  ])("maps FullStory's 400 $code / '$message' to uid_immutable with its body", async (body) => {
    vendor(() => HttpResponse.json(body, { status: 400 }));
    const result = await updateUser(client(), "42", { uid: "other" });

    expect(result).toEqual({
      ok: false,
      error: { status: "uid_immutable", message: `user 42: ${body.message}`, body },
    });
  });

  it("maps an undocumented 4xx status saying the same to uid_immutable", async () => {
    const body = { code: "conflict", message: "uid cannot be updated" };
    vendor(() => HttpResponse.json(body, { status: 409 }));
    const result = await updateUser(client(), "42", { uid: "other" });
    expect(result).toMatchObject({ ok: false, error: { status: "uid_immutable", body } });
  });

  // HTTP fixes what these mean (the key, the user, the rate): a body that speaks of the uid does not
  // change it.
  it.each([401, 403, 404, 429])(
    "leaves a %i as the client's error, even one whose body says the uid cannot change",
    async (status) => {
      vendor(() =>
        HttpResponse.json({ code: "uid_immutable", message: "uid is immutable" }, { status }),
      );
      const result = await updateUser(client(), "42", { uid: "other" });
      expect(result.ok === false && result.error.status).toBe(status);
    },
  );

  it("leaves other errors as the client's typed errors", async () => {
    vendor(() =>
      HttpResponse.json({ code: "required_field", message: "uid is required" }, { status: 400 }),
    );
    const bad = await updateUser(client(), "42", { display_name: "Ada" });
    expect(bad.ok === false && bad.error.status).toBe(400);
    if (!bad.ok && bad.error.status === 400) expect(bad.error.body.code).toBe("required_field");

    vendor(() =>
      HttpResponse.json({ code: "user_not_found", message: "no such user" }, { status: 404 }),
    );
    const missing = await updateUser(client(), "42", { uid: "other" });
    expect(missing.ok === false && missing.error.status).toBe(404);

    vendor(() =>
      HttpResponse.json({ code: "server_error", message: "uid is immutable" }, { status: 500 }),
    );
    const broken = await updateUser(client(), "42", { uid: "other" });
    expect(broken.ok === false && broken.error.status).toBe(500);

    // A gateway's 5xx is no word of FullStory's on the uid, whatever its body says.
    vendor(() =>
      HttpResponse.json({ code: "uid_immutable", message: "uid is immutable" }, { status: 502 }),
    );
    const gateway = await updateUser(client(), "42", { uid: "other" });
    expect(gateway.ok === false && gateway.error.status).not.toBe("uid_immutable");

    // Another field that cannot change is not the uid.
    vendor(() =>
      HttpResponse.json(
        { code: "bad_request", message: "email cannot be changed" },
        { status: 400 },
      ),
    );
    const email = await updateUser(client(), "42", { uid: "other" });
    expect(email.ok === false && email.error.status).toBe(400);

    // Not FullStory's error body: a code that is no text, or no body at all.
    vendor(() => HttpResponse.json({ code: 7, message: "uid is immutable" }, { status: 409 }));
    const numbered = await updateUser(client(), "42", { uid: "other" });
    expect(numbered.ok === false && numbered.error.status).toBe("undocumented");
    // Nor a code without FullStory's words: no message to quote ("user 42: undefined").
    vendor(() => HttpResponse.json({ code: "uid_immutable" }, { status: 409 }));
    const wordless = await updateUser(client(), "42", { uid: "other" });
    expect(wordless.ok === false && wordless.error.status).toBe("undocumented");
    vendor(() => new HttpResponse(null, { status: 409 }));
    const empty = await updateUser(client(), "42", { uid: "other" });
    expect(empty.ok === false && empty.error.status).toBe("undocumented");
    // A 2xx FullStory does not document is no refusal, whatever its body says: it may have updated the user.
    vendor(() =>
      HttpResponse.json({ code: "uid_immutable", message: "uid is immutable" }, { status: 202 }),
    );
    const accepted = await updateUser(client(), "42", { uid: "other" });
    expect(accepted.ok === false && accepted.error.status).toBe("undocumented");
    // A body of JSON null is no error body either: answered, not thrown out of the call.
    vendor(() => HttpResponse.json(null, { status: 409 }));
    const nulled = await updateUser(client(), "42", { uid: "other" });
    expect(nulled.ok === false && nulled.error.status).toBe("undocumented");
  });

  it("passes the signal through", async () => {
    vendor();
    const controller = new AbortController();
    controller.abort();
    const result = await updateUser(
      client(),
      "42",
      { display_name: "Ada" },
      { signal: controller.signal },
    );
    expect(result.ok === false && result.error.status).toBe("aborted");
  });
});
