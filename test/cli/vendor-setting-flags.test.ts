// A vendor's settings as the command line gives them: an environment is one of the names the vendor has (a
// near miss never falls back to production, where the key would go), a setting flag the vendor does not take
// is refused, and a credential of only whitespace is as missing as an empty one.
import { faker } from "@faker-js/faker";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { simulatorHandlers } from "../../src/testing/msw.js";
import {
  createFullStorySimulator,
  createPropellerSimulator,
  createSlashIdSimulator,
} from "../../src/testing/index.js";
import { useMswServer } from "../support/msw.js";
import {
  CREDS,
  FAST_POLL,
  cli,
  fullStoryUsers,
  ndjson,
  propellerUsers,
  slashIdPersons,
  totalRequests,
  useServedSimulators,
  useTempDir,
} from "./helpers.js";

const server = useMswServer();
const file = useTempDir();
const serve = useServedSimulators();

/** Every host a request went to, each answered 401. */
function recordHosts(): string[] {
  const hosts: string[] = [];
  server.use(
    http.all("https://*/*", ({ request }) => {
      hosts.push(new URL(request.url).host);
      return HttpResponse.json({ message: "unauthorized", code: "unauthorized" }, { status: 401 });
    }),
  );
  return hosts;
}

const SLASHID = ["--api-key", CREDS.apiKey, "--org-id", CREDS.orgId];

describe("slashid --environment", () => {
  for (const [value, argv, env] of [
    ["sandbx", ["--environment", "sandbx"], {}],
    ["Sandbox", ["--environment", "Sandbox"], {}],
    ["staging", [], { SLASHID_ENVIRONMENT: "staging" }],
  ] as const) {
    it(`${value}: exit 2 naming the values it takes; nothing sent anywhere`, async () => {
      const hosts = recordHosts();
      const input = file(`${faker.string.uuid()}.ndjson`, ndjson(slashIdPersons(2)));

      const result = await cli(["import", "slashid", input, ...SLASHID, ...argv], { env });

      expect(hosts).toEqual([]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `--environment must be production or sandbox, not ${value} (pass --environment or set SLASHID_ENVIRONMENT)`,
      );
    });
  }

  // A line of an env file read whole (`KEY=… # comment`, a key after `=`): the value may hold a credential.
  for (const value of ["sandbox sk-live-Q7w2Zp", "prod=sk-live-Q7w2Zp"]) {
    it(`SLASHID_ENVIRONMENT=${JSON.stringify(value)}: exit 2 without repeating the value`, async () => {
      const hosts = recordHosts();
      const input = file(`${faker.string.uuid()}.ndjson`, ndjson(slashIdPersons(2)));

      const result = await cli(["import", "slashid", input, ...SLASHID], {
        env: { SLASHID_ENVIRONMENT: value },
      });

      expect(hosts).toEqual([]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        "--environment must be production or sandbox, not a value of",
      );
      expect(result.stderr + result.stdout).not.toContain("sk-live-Q7w2Zp");
    });
  }

  for (const [how, argv, env, host] of [
    // Surrounding whitespace (a CR from a Windows .env file) is not part of the name.
    [
      "SLASHID_ENVIRONMENT=sandbox",
      [],
      { SLASHID_ENVIRONMENT: " sandbox\r\n" },
      "https://api.sandbox.slashid.com",
    ],
    ["--environment production", ["--environment", "production"], {}, "https://api.slashid.com"],
  ] as const) {
    it(`${how} imports into ${host}`, async () => {
      const sim = createSlashIdSimulator({ apiKey: CREDS.apiKey, orgId: CREDS.orgId });
      server.use(...simulatorHandlers(sim, host));
      const persons = slashIdPersons(3, faker.string.alpha(8).toLowerCase());

      const result = await cli(
        [
          "import",
          "slashid",
          file(`${faker.string.uuid()}.ndjson`, ndjson(persons)),
          ...SLASHID,
          ...argv,
        ],
        { env },
      );

      expect(result.code).toBe(0);
      expect(sim.stats().users).toBe(3);
    });
  }
});

describe("a setting flag the vendor does not take", () => {
  for (const [vendor, records, argv, message] of [
    [
      "fullstory",
      fullStoryUsers(1),
      ["--api-key", CREDS.apiKey, "--environment", "eu1"],
      "--environment applies to slashid and userpilot; fullstory takes no --environment",
    ],
    [
      "propeller",
      propellerUsers(1),
      [
        "--client-id",
        CREDS.clientId,
        "--client-secret",
        CREDS.clientSecret,
        "--environment",
        "test",
      ],
      "--environment applies to slashid and userpilot; propeller takes no --environment",
    ],
    [
      "userpilot",
      [{ user_id: faker.string.uuid() }],
      ["--api-key", CREDS.apiKey, "--org-id", "org-1"],
      "--org-id applies to slashid; userpilot takes no --org-id",
    ],
  ] as const) {
    it(`${vendor} ${argv.slice(-2).join(" ")}: exit 2 naming the vendors it applies to; nothing sent`, async () => {
      const hosts = recordHosts();
      const result = await cli([
        "import",
        vendor,
        file(`${vendor}-flag.ndjson`, ndjson(records)),
        ...argv,
      ]);

      expect(hosts).toEqual([]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
    });
  }
});

describe("an id flag or an environment flag given blank", () => {
  for (const [vendor, argv, message] of [
    [
      "slashid",
      ["--api-key", "k", "--org-id", " "],
      "missing credential: --org-id was given blank, and a blank flag does not fall back to SLASHID_ORG_ID",
    ],
    [
      "propeller",
      ["--client-id", "", "--client-secret", "s"],
      "missing credential: --client-id was given blank, and a blank flag does not fall back to PROPELLER_CLIENT_ID",
    ],
    [
      "userpilot",
      ["--api-key", "k", "--environment", ""],
      "--environment was given blank, and a blank flag does not fall back to USERPILOT_ENVIRONMENT",
    ],
  ] as const) {
    it(`${vendor} ${argv.join(" ")}: exit 2 naming the flag; nothing sent`, async () => {
      const hosts = recordHosts();
      const result = await cli(["import", vendor, file(`${vendor}-blank.ndjson`, "{}\n"), ...argv]);

      expect(hosts).toEqual([]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      if (vendor === "userpilot") expect(result.stderr).not.toContain("missing credential");
    });
  }
});

describe("a credential of only whitespace", () => {
  const blankFlag =
    "missing credential: --api-key was given blank, and a blank flag does not fall back to FULLSTORY_API_KEY";
  const missing = "missing credential: pass --api-key or set FULLSTORY_API_KEY";
  for (const [how, argv, env, message] of [
    ["--api-key ' '", ["--api-key", " "], {}, blankFlag],
    ["FULLSTORY_API_KEY=CRLF", [], { FULLSTORY_API_KEY: "\r\n" }, missing],
    [
      "--api-key '\\t' over a blank FULLSTORY_API_KEY",
      ["--api-key", "\t"],
      { FULLSTORY_API_KEY: " " },
      blankFlag,
    ],
    // `--api-key "$STAGING_KEY"` with the variable unset: the environment's key may be another account's.
    [
      "--api-key '' over a set FULLSTORY_API_KEY",
      ["--api-key", ""],
      { FULLSTORY_API_KEY: "k" },
      blankFlag,
    ],
  ] as const) {
    it(`fullstory ${how}: exit 2, missing credential; nothing sent`, async () => {
      const sim = createFullStorySimulator({ processingPolls: 0 });
      const { url } = await serve(sim);
      const input = file(`${faker.string.uuid()}.ndjson`, ndjson(fullStoryUsers(2)));

      const result = await cli(
        ["import", "fullstory", input, "--base-url", url, ...FAST_POLL, ...argv],
        { env },
      );

      expect(totalRequests(sim)).toBe(0);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
    });
  }

  it("propeller PROPELLER_CLIENT_SECRET=' ': exit 2 naming the flag and the variable", async () => {
    const sim = createPropellerSimulator();
    const { url } = await serve(sim);
    const result = await cli(
      [
        "import",
        "propeller",
        file("blank-secret.ndjson", ndjson(propellerUsers(2))),
        "--base-url",
        url,
        "--client-id",
        CREDS.clientId,
      ],
      { env: { PROPELLER_CLIENT_SECRET: " " } },
    );

    expect(totalRequests(sim)).toBe(0);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "missing credential: pass --client-secret or set PROPELLER_CLIENT_SECRET",
    );
  });

  it("a key read with a stray CR is used without it: the import runs", async () => {
    const sim = createFullStorySimulator({ processingPolls: 0 });
    const { url } = await serve(sim);
    const result = await cli(
      [
        "import",
        "fullstory",
        file("cr-key.ndjson", ndjson(fullStoryUsers(2))),
        "--base-url",
        url,
        ...FAST_POLL,
      ],
      { env: { FULLSTORY_API_KEY: `${CREDS.apiKey}\r` } },
    );

    expect(result.code).toBe(0);
    expect(sim.users()).toHaveLength(2);
  });
});
