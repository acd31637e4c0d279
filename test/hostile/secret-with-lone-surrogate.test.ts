// A Propeller client secret holding a lone UTF-16 surrogate would travel in the token request's form body as
// U+FFFD (bytes EF BF BD), and a server echoing that body back in an error would quote it in a form other
// than the secret set holds. No such secret reaches a request: the client is refused as it is made, without
// quoting the secret, before anything is sent, so there is no echo to scrub.
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { createPropellerClient } from "../../src/propeller/client.js";
import { HOSTS, useMswServer } from "../support/msw.js";
import { expectNoSecret } from "./leaks.js";

const server = useMswServer();
const clientId = "c-1";
const half = "s3cr3tQx7Kw9Zp4T";

/** A token endpoint echoing the decoded client secret back, in a 400 and then a 500; the bodies it got. */
function echoingTokenEndpoint(): string[] {
  const bodies: string[] = [];
  server.use(
    http.post(`${HOSTS.propeller}/oauth2/token`, async ({ request }) => {
      const text = await request.text();
      bodies.push(text);
      const echoed = new URLSearchParams(text).get("client_secret") ?? "";
      return bodies.length === 1
        ? HttpResponse.json(
            { error: "invalid_client", error_description: `unknown secret ${echoed}` },
            { status: 400 },
          )
        : new HttpResponse(`internal error for secret ${echoed}`, { status: 500 });
    }),
    http.post(`${HOSTS.propeller}/v2/users/bulk/sourceId`, () =>
      HttpResponse.json({ error: "unexpected" }, { status: 500 }),
    ),
  );
  return bodies;
}

describe("a Propeller client secret holding a lone surrogate", () => {
  it.each([
    ["a high surrogate inside", `${half}\ud800${half}`],
    ["a low surrogate first", `\udc00${half}${half}`],
    ["a high surrogate last, after a line end", `${half}${half}\ud83d\n`],
  ])(
    "%s is refused as the client is made, unquoted, and never sent",
    async (_what, clientSecret) => {
      const bodies = echoingTokenEndpoint();
      let refusal: unknown;
      try {
        // A call, as an import makes one: made, the client would send the secret in the token request.
        await createPropellerClient({
          clientId,
          clientSecret,
          maxRetries: 0,
          sleep: async () => {},
        }).bulkUsersBySourceId({ body: { users: [{ source: "CRM", sourceId: "s-1" }] } });
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(TypeError);
      expect((refusal as TypeError).message).toBe(
        "clientSecret: expected well-formed text, got a lone surrogate in it",
      );
      // Neither the secret nor its form as the body would carry it (U+FFFD in the surrogate's place).
      expectNoSecret(refusal, [clientSecret, clientSecret.replace(/\p{Cs}/gu, "\ufffd")]);
      expect(bodies).toEqual([]);
    },
  );
});
