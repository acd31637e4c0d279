// README "Client options": "Each option's default is the `@default` in its interface's TSDoc". Each such
// `@default` is read here from the source and held against what the code does when the option is left
// out: the fallback it hands the option check (for options checked that way), or what a call or an import
// does (the retry policy, the response cap, the replays), so a default changed in one place alone fails.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ChunkResult } from "../../src/core/engine/adapter.js";
import { runImport } from "../../src/core/engine/engine.js";
import { createFullStoryAdapter } from "../../src/fullstory/adapter.js";
import { createFullStoryClient } from "../../src/fullstory/client.js";
import {
  createPropellerAdapter,
  PROPELLER_MAX_CHUNK_RECORDS,
} from "../../src/propeller/adapter.js";
import { createPropellerClient } from "../../src/propeller/client.js";
import { createSlashIdAdapter } from "../../src/slashid/adapter.js";
import { createSlashIdClient } from "../../src/slashid/client.js";
import { createFullStorySimulator } from "../../src/testing/fullstory.js";
import { createPropellerSimulator } from "../../src/testing/propeller.js";
import { createUserpilotSimulator } from "../../src/testing/userpilot.js";
import { createUserpilotAdapter, USERPILOT_MAX_BODY_BYTES } from "../../src/userpilot/adapter.js";
import { createUserpilotClient } from "../../src/userpilot/client.js";
import { documentedDefault as statedDefault } from "../support/documented-default.js";
import { testAdapter } from "../support/test-adapter.js";

/** The fallback each option check was handed, by option name, since the last `fallbacks.clear()`. */
const fallbacks = vi.hoisted(() => new Map<string, unknown>());
vi.mock("../../src/core/options.js", async (original) => {
  const real = await original<typeof import("../../src/core/options.js")>();
  const noted =
    <A extends [string, number | undefined, number | undefined, ...unknown[]], R>(
      check: (...args: A) => R,
    ) =>
    (...args: A): R => {
      if (args[2] !== undefined) fallbacks.set(args[0], args[2]);
      return check(...args);
    };
  return {
    ...real,
    wholeNumberOption: noted(real.wholeNumberOption),
    durationOption: noted(real.durationOption),
    shareOption: noted(real.shareOption),
  };
});

/** Constants a `@default` names by `{@link}`. */
const LINKED: Record<string, number> = { USERPILOT_MAX_BODY_BYTES, PROPELLER_MAX_CHUNK_RECORDS };

/** The value the `@default` of `option` states in `file`. */
const documentedDefault = (file: string, option: string) => statedDefault(file, option, LINKED);

const key = "abcdefghijklmnopqrstuvwxyz012345";
const baseUrl = "http://127.0.0.1:9";

/** What the code fell back to for each option, when `make` was given none of them. */
function fallbacksOf(make: () => unknown): Map<string, unknown> {
  fallbacks.clear();
  make();
  return new Map(fallbacks);
}

describe("each @default is the fallback the code checks the option with", () => {
  const fullstory = createFullStoryClient({ apiKey: key, baseUrl });
  const userpilot = createUserpilotClient({ apiKey: key, baseUrl });
  const slashid = createSlashIdClient({ apiKey: key, orgId: "org", baseUrl });
  const propeller = createPropellerClient({ clientId: "id", clientSecret: key, baseUrl });
  it.each([
    // [what is made, its options' file, option, the name the code checks it under]
    ["a client's rate limiter", "src/core/http/rate-limiter.ts", "backoff", "rateLimit.backoff"],
    ["a client's rate limiter", "src/core/http/rate-limiter.ts", "recovery", "rateLimit.recovery"],
    ["a client's rate limiter", "src/core/http/rate-limiter.ts", "probe", "rateLimit.probe"],
    ["the Propeller client", "src/propeller/client.ts", "tokenRefreshBeforeMs", "refreshBeforeMs"],
    ["the FullStory adapter", "src/fullstory/adapter.ts", "pollIntervalMs"],
    ["the FullStory adapter", "src/fullstory/adapter.ts", "maxPollIntervalMs"],
    ["the FullStory adapter", "src/fullstory/adapter.ts", "jobTimeoutMs"],
    ["the FullStory adapter", "src/fullstory/adapter.ts", "maxPollsPerJob"],
    ["the Userpilot adapter", "src/userpilot/adapter.ts", "pollIntervalMs"],
    ["the Userpilot adapter", "src/userpilot/adapter.ts", "maxPollIntervalMs"],
    ["the Userpilot adapter", "src/userpilot/adapter.ts", "maxPollsPerJob"],
    ["the Userpilot adapter", "src/userpilot/adapter.ts", "jobTimeoutMs"],
    ["the Userpilot adapter", "src/userpilot/adapter.ts", "conflictWaitMs"],
    ["the Userpilot adapter", "src/userpilot/adapter.ts", "maxBodyBytes"],
    ["the Userpilot adapter", "src/userpilot/adapter.ts", "clockSkewMs"],
    ["the SlashID adapter", "src/slashid/adapter.ts", "maxRecords"],
    ["the Propeller adapter", "src/propeller/adapter.ts", "maxRecords"],
    ["the FullStory simulator", "src/testing/fullstory/options.ts", "processingPolls"],
    ["the FullStory simulator", "src/testing/fullstory/options.ts", "pageSize"],
    ["the FullStory simulator", "src/testing/fullstory/options.ts", "maxInProgressJobs"],
    ["the FullStory simulator", "src/testing/fullstory/options.ts", "maxOperationsInFlight"],
    ["the FullStory simulator", "src/testing/fullstory/options.ts", "recentJobs"],
    ["the Userpilot simulator", "src/testing/userpilot/options.ts", "pollsPerStep"],
    ["the Propeller simulator", "src/testing/propeller.ts", "expiresIn"],
  ] as const)("%s: %s %s", (what, file, option, checkedAs: string = option) => {
    const make: Record<typeof what, () => unknown> = {
      "a client's rate limiter": () => createFullStoryClient({ apiKey: key, baseUrl }),
      "the Propeller client": () =>
        createPropellerClient({ clientId: "id", clientSecret: key, baseUrl }),
      "the FullStory adapter": () => createFullStoryAdapter(fullstory),
      "the Userpilot adapter": () => createUserpilotAdapter(userpilot),
      "the SlashID adapter": () => createSlashIdAdapter(slashid),
      "the Propeller adapter": () => createPropellerAdapter(propeller),
      "the FullStory simulator": () => createFullStorySimulator(),
      "the Userpilot simulator": () => createUserpilotSimulator(),
      "the Propeller simulator": () => createPropellerSimulator(),
    };
    expect(fallbacksOf(make[what]).get(checkedAs)).toBe(documentedDefault(file, option));
  });

  it.each(["progressEvery", "progressHeartbeatMs"])("the engine's %s", async (option) => {
    fallbacks.clear();
    await runImport(
      testAdapter(() => Promise.reject(new Error("not sent"))),
      [],
    );
    expect(fallbacks.get(option)).toBe(documentedDefault("src/core/engine/engine.ts", option));
  });
});

describe("each @default is what a call does without the option", () => {
  const OPTIONS = "src/core/client/options.ts";
  afterEach(() => vi.restoreAllMocks());

  /** A Userpilot client whose every answer is `answer`, with the waits between its tries. */
  function clientAnswering(answer: () => Response, options: object = {}) {
    const waits: number[] = [];
    let tries = 0;
    const client = createUserpilotClient({
      apiKey: key,
      baseUrl,
      rateLimit: false,
      fetch: () => {
        tries += 1;
        return Promise.resolve(answer());
      },
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      ...options,
    });
    const call = () => client.getBackgroundJob({ params: { path: { job_id: "j1" } } });
    return { call, waits, tries: () => tries };
  }

  it("maxRetries, retryBaseDelayMs and retryMaxDelayMs", async () => {
    // Full jitter drawn at its top: each wait is the backoff step's ceiling.
    vi.spyOn(Math, "random").mockReturnValue(1);
    const unavailable = () => new Response(null, { status: 503 });
    const defaults = clientAnswering(unavailable);
    await defaults.call();
    expect(defaults.tries() - 1).toBe(documentedDefault(OPTIONS, "maxRetries"));

    const many = clientAnswering(unavailable, { maxRetries: 8 });
    await many.call();
    const base = documentedDefault(OPTIONS, "retryBaseDelayMs") as number;
    const ceiling = documentedDefault(OPTIONS, "retryMaxDelayMs") as number;
    expect(many.waits).toEqual(
      [0, 1, 2, 3, 4, 5, 6, 7].map((n) => Math.min(ceiling, base * 2 ** n)),
    );
  });

  it("maxRetryAfterMs", async () => {
    const limited = clientAnswering(
      () => new Response(null, { status: 429, headers: { "Retry-After": "86400" } }),
      { maxRetries: 1 },
    );
    await limited.call();
    expect(limited.waits).toEqual([documentedDefault(OPTIONS, "maxRetryAfterMs")]);
  });

  it("maxResponseBytes", async () => {
    const cap = documentedDefault(OPTIONS, "maxResponseBytes") as number;
    const declaring = (bytes: number) => () =>
      new Response('{"job_id":"j1","status":"queued"}', {
        headers: { "Content-Type": "application/json", "Content-Length": String(bytes) },
      });
    const over = await clientAnswering(declaring(cap + 1)).call();
    expect(over.ok ? "ok" : over.error.status).toBe("too_large");
    const at = await clientAnswering(declaring(cap)).call();
    expect(at.ok ? "ok" : at.error.status).not.toBe("too_large");
  });

  it("timeoutMs", async () => {
    const timeouts = vi.spyOn(AbortSignal, "timeout");
    await clientAnswering(() => new Response(null, { status: 404 })).call();
    expect(timeouts.mock.calls.map(([ms]) => ms)).toEqual([
      documentedDefault(OPTIONS, "timeoutMs"),
    ]);
  });
});

describe("each @default is what an import does without the option", () => {
  const REPLAY = "src/core/engine/follow-chunk.ts";
  afterEach(() => vi.restoreAllMocks());

  /** An import whose every send fails transiently, with the waits between sends of its one chunk. */
  async function failingImport(options: object) {
    const waits: number[] = [];
    let sends = 0;
    const send = () => {
      sends += 1;
      return Promise.resolve<ChunkResult>({
        kind: "done",
        outcomes: [{ ok: false, code: "503", reason: "unavailable", transient: true }],
      });
    };
    const replay = { by: "upsert", why: "sending a user again writes the same values" } as const;
    const report = await runImport(testAdapter(send, { replay }), [{ id: "u1" }], {
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      ...options,
    });
    return { report, waits, sends };
  }

  it("chunkAttempts, replayDelayMs and maxReplayDelayMs", async () => {
    vi.spyOn(Math, "random").mockReturnValue(1);
    expect((await failingImport({})).sends).toBe(documentedDefault(REPLAY, "chunkAttempts"));
    const base = documentedDefault(REPLAY, "replayDelayMs") as number;
    const ceiling = documentedDefault(REPLAY, "maxReplayDelayMs") as number;
    const { waits } = await failingImport({ chunkAttempts: 7 });
    expect(waits).toEqual([0, 1, 2, 3, 4, 5].map((n) => Math.min(ceiling, base * 2 ** n)));
  });

  it("chunkAttempts, replayDelayMs and maxReplayDelayMs given as undefined are their defaults", async () => {
    // As for every option: a caller spreading settings from a config file passes undefined for those unset.
    // The vendor takes the chunk at its sixth send, one past the default attempts: the record then fails.
    vi.spyOn(Math, "random").mockReturnValue(1);
    const waits: number[] = [];
    let sends = 0;
    const send = (chunk: { readonly items: readonly unknown[] }) => {
      sends += 1;
      return Promise.resolve<ChunkResult>({
        kind: "done",
        outcomes: chunk.items.map(() =>
          sends > 5 ? { ok: true } : { ok: false, code: "503", reason: "busy", transient: true },
        ),
      });
    };
    const replay = { by: "upsert", why: "sending a user again writes the same values" } as const;
    const report = await runImport(testAdapter(send, { replay }), [{ id: "u1" }], {
      // A JavaScript caller's object: TypeScript's exactOptionalPropertyTypes would refuse it.
      ...({
        chunkAttempts: undefined,
        replayDelayMs: undefined,
        maxReplayDelayMs: undefined,
      } as object),
      sleep: async (ms) => {
        waits.push(ms);
        await new Promise((resolve) => setImmediate(resolve));
      },
    });
    const base = documentedDefault(REPLAY, "replayDelayMs") as number;
    expect({ sends, failed: report.failed }).toEqual({
      sends: documentedDefault(REPLAY, "chunkAttempts"),
      failed: 1,
    });
    expect(waits).toEqual([0, 1, 2, 3].map((n) => base * 2 ** n));
  });

  it("keepOutcomes", async () => {
    // One record imported and one refused, so that each setting keeps its own set of outcomes.
    const send = (chunk: { readonly items: readonly { id: string }[] }) =>
      Promise.resolve<ChunkResult>({
        kind: "done",
        outcomes: chunk.items.map(({ id }) =>
          id === "u1" ? { ok: true } : { ok: false, code: "refused", reason: "refused" },
        ),
      });
    const kept = async (options: object) =>
      (await runImport(testAdapter(send), [{ id: "u1" }, { id: "u2" }], options)).outcomes;
    const keepOutcomes = documentedDefault("src/core/engine/engine.ts", "keepOutcomes");
    const settings = await Promise.all(
      ["all", "problems", "none"].map((setting) => kept({ keepOutcomes: setting })),
    );
    expect(new Set(settings.map((outcomes) => outcomes.length)).size).toBe(3);
    expect(await kept({})).toEqual(await kept({ keepOutcomes }));
  });
});

describe("host defaults", () => {
  it("FullStory's region follows the key; SlashID's and Userpilot's environments are the documented ones", () => {
    expect(createFullStoryClient({ apiKey: key }).destination).toMatch(
      /^https:\/\/api\.fullstory\.com /,
    );
    expect(createFullStoryClient({ apiKey: `eu1.${key}` }).destination).toMatch(
      /^https:\/\/api\.eu1\.fullstory\.com /,
    );
    const slashid = documentedDefault("src/slashid/client.ts", "environment");
    expect(createSlashIdClient({ apiKey: key, orgId: "org" }).destination).toBe(
      createSlashIdClient({ apiKey: key, orgId: "org", environment: "production" }).destination,
    );
    expect(slashid).toBe("production");
    const userpilot = documentedDefault("src/userpilot/client.ts", "environment");
    expect(userpilot).toBe("analytex");
    expect(createUserpilotClient({ apiKey: key }).destination).toMatch(
      /^https:\/\/analytex\.userpilot\.io /,
    );
  });
});
