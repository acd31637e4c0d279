// A caller's `fetch` option is code the library does not control: one that throws instead of rejecting, or
// resolves to nothing, is a failed request like any other. The operation method returns the `network`
// variant and `raw` rejects with it, never with the caller's own value, and no credential it quoted survives.
import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/core/errors/api-error.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { expectNoSecret } from "./leaks.js";
import { hostileVendors, type HostileVendor } from "./vendors.js";

type BadFetch = (request: Request) => Promise<Response>;

const fetches = (vendor: HostileVendor): [string, BadFetch][] => {
  const credential = (request: Request) => request.headers.get(vendor.credentialHeader);
  return [
    [
      "throws a string at once",
      (request) => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- a caller's code may throw anything
        throw `refused: ${credential(request)} ${vendor.secrets.join(" ")}`;
      },
    ],
    [
      "throws an object holding the secrets at once",
      () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- a caller's code may throw anything
        throw { secrets: vendor.secrets, message: vendor.secrets.join(" ") };
      },
    ],
    [
      "throws a TypeError quoting the credential header at once",
      (request) => {
        throw new TypeError(`bad header ${credential(request)}`, { cause: vendor.secrets });
      },
    ],
    ["resolves to nothing", () => Promise.resolve(undefined as unknown as Response)],
  ];
};

describe.each(hostileVendors(seededFaker("hostile throwing fetch")))("$name", (vendor) => {
  it.each(fetches(vendor))("a fetch that %s: the network variant, scrubbed", async (_, fetch) => {
    const calls = vendor.client({ fetch, maxRetries: 0 });
    const result = await calls.operation();
    const thrown = await calls.raw().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(result.ok).toBe(false);
    const error = !result.ok && result.error;
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: "network" });
    expect(thrown).toBeInstanceOf(ApiError);
    expect(thrown).toMatchObject({ status: "network" });
    expectNoSecret(error, vendor.secrets);
    expectNoSecret(thrown, vendor.secrets);
  });
});
