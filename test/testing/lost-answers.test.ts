// Lost answers: every simulator processes the request in full, then the answer is lost — the connection
// dropped (odd-numbered losses) or a gateway's HTML page (even-numbered: 504, then 502). What the client
// would find afterwards is what the vendor did.
import { describe, expect, it } from "vitest";
import type { FaultCall, FaultKind } from "../../src/testing/faults.js";
import { seededFaker } from "../../src/testing/fixtures/faker.js";
import { createFullStorySimulator } from "../../src/testing/fullstory.js";
import { createPropellerSimulator } from "../../src/testing/propeller.js";
import { cutAnswer } from "../../src/testing/kit/answers.js";
import { serveSimulator } from "../../src/testing/serve.js";
import { DropConnection } from "../../src/testing/simulator.js";
import { createSlashIdSimulator } from "../../src/testing/slashid.js";
import { createUserpilotSimulator } from "../../src/testing/userpilot.js";
import {
  fullStoryBatch,
  fullStoryPost,
  gatewayPage,
  propellerPost,
  propellerToken,
  propellerUsers,
  slashIdRows,
  slashIdUpload,
  userpilotGet,
  userpilotPost,
  userpilotUsers,
} from "./vendor-requests.js";

/** Loses the answers of the first `n` calls of `operation`. */
const loseFirst =
  (operation: string, n: number) =>
  (call: FaultCall): FaultKind | undefined =>
    call.operation === operation && call.attempt <= n ? "lost_answer" : undefined;

describe("lost answers", () => {
  it("FullStory: the jobs are created, then the answers lost; the same key replays the stored answer", async () => {
    const f = seededFaker("fullstory lost");
    const sim = createFullStorySimulator({
      faults: { script: loseFirst("createBatchImport", 2) },
    });
    const first = fullStoryBatch(f, 3);
    const second = fullStoryBatch(f, 2);

    await expect(fullStoryPost(sim, first, "key-1")).rejects.toBeInstanceOf(DropConnection);
    expect(sim.stats()).toMatchObject({ jobs: 1, users: 3 });
    const gateway = await gatewayPage(await fullStoryPost(sim, second, "key-2"));
    expect(gateway.status).toBe(504);
    expect(gateway.html).toContain("<h1>504 Gateway Time-out</h1>");
    expect(sim.stats()).toMatchObject({ jobs: 2, users: 5, faults: { lost_answer: 2 } });

    const replay = await fullStoryPost(sim, first, "key-1");
    expect(replay.status).toBe(200);
    const { job } = (await replay.json()) as { job: { id: string } };
    expect(job.id).toBe(sim.jobs()[0]?.id);
    expect(sim.stats()).toMatchObject({ jobs: 2, replays: 1, duplicates: 0 });
  });

  it("the third and fourth lost answers are a drop and a 502", async () => {
    const f = seededFaker("fullstory 502");
    const sim = createFullStorySimulator({ faults: { script: loseFirst("createBatchImport", 4) } });
    await expect(fullStoryPost(sim, fullStoryBatch(f, 1))).rejects.toBeInstanceOf(DropConnection);
    expect((await fullStoryPost(sim, fullStoryBatch(f, 1))).status).toBe(504);
    await expect(fullStoryPost(sim, fullStoryBatch(f, 1))).rejects.toBeInstanceOf(DropConnection);
    const page = await gatewayPage(await fullStoryPost(sim, fullStoryBatch(f, 1)));
    expect(page.status).toBe(502);
    expect(sim.stats()).toMatchObject({ jobs: 4, users: 4, faults: { lost_answer: 4 } });
  });

  it("SlashID: the persons are stored, then the answers lost", async () => {
    const f = seededFaker("slashid lost");
    const sim = createSlashIdSimulator({ faults: { script: loseFirst("bulkImportPersons", 2) } });
    await expect(slashIdUpload(sim, slashIdRows(f, 2))).rejects.toBeInstanceOf(DropConnection);
    expect(sim.stats().users).toBe(2);
    const page = await gatewayPage(await slashIdUpload(sim, slashIdRows(f, 3)));
    expect(page.status).toBe(504);
    expect(sim.stats()).toMatchObject({ users: 5, faults: { lost_answer: 2 } });
  });

  it("Propeller: the users are upserted, then the answers lost; re-sent, they answer update", async () => {
    const f = seededFaker("propeller lost");
    const sim = createPropellerSimulator({
      faults: { script: loseFirst("bulkUsersBySourceId", 2) },
    });
    const token = await propellerToken(sim);
    const users = propellerUsers(f, 3);
    await expect(propellerPost(sim, token, users)).rejects.toBeInstanceOf(DropConnection);
    expect(sim.stats().users).toBe(3);
    const page = await gatewayPage(await propellerPost(sim, token, propellerUsers(f, 1)));
    expect(page.status).toBe(504);
    expect(sim.stats().users).toBe(4);

    const replay = await propellerPost(sim, token, users);
    const body = (await replay.json()) as { data: { action: string; success: boolean }[] };
    expect(body.data.map((d) => [d.action, d.success])).toEqual([
      ["update", true],
      ["update", true],
      ["update", true],
    ]);
    expect(sim.stats()).toMatchObject({ users: 4, duplicates: 0, rewrites: 3 });
  });

  it("Userpilot: the job is created, then the answer lost; the job list shows it", async () => {
    const f = seededFaker("userpilot lost");
    let clock = Date.parse("2026-03-01T10:00:00.000Z");
    const sim = createUserpilotSimulator({
      now: () => clock,
      faults: { script: loseFirst("bulkIdentifyUsers", 2) },
    });
    const sentAt = clock;
    await expect(userpilotPost(sim, userpilotUsers(f, 4))).rejects.toBeInstanceOf(DropConnection);
    expect(sim.jobs()).toHaveLength(1);
    // The job runs: a bulk request meanwhile is turned away with 409, and its answer is lost too.
    clock += 1000;
    const page = await gatewayPage(await userpilotPost(sim, userpilotUsers(f, 2)));
    expect(page.status).toBe(504);
    expect(sim.stats()).toMatchObject({ jobs: 1, conflicts: 1, faults: { lost_answer: 2 } });

    const list = (await (await userpilotGet(sim, "/v1/background_jobs")).json()) as {
      job_id: string;
      total_rows: number;
      start_time: string;
    }[];
    const found = list.filter(
      (job) => Date.parse(job.start_time) >= sentAt && job.total_rows === 4,
    );
    expect(found.map((job) => job.job_id)).toEqual([sim.jobs()[0]?.job_id]);
  });

  it("over loopback HTTP, a dropped lost answer reaches the client as a network error", async () => {
    const f = seededFaker("loopback lost");
    const sim = createUserpilotSimulator({ faults: { script: loseFirst("bulkIdentifyUsers", 1) } });
    const running = await serveSimulator(sim);
    try {
      const sent = fetch(`${running.url}/v1/users/bulk_identify`, {
        method: "POST",
        headers: { Authorization: "Token sim-key", "Content-Type": "application/json" },
        body: JSON.stringify({ users: userpilotUsers(f, 2) }),
      });
      await expect(sent).rejects.toThrow(TypeError);
      expect(sim.jobs()).toHaveLength(1);
    } finally {
      await running.close();
    }
  });

  it("rateLostAnswer loses a share of writes, and never the answer to a read", async () => {
    const f = seededFaker("rate lost");
    const sim = createUserpilotSimulator({ faults: { rateLostAnswer: 1 } });
    await expect(userpilotPost(sim, userpilotUsers(f, 1))).rejects.toBeInstanceOf(DropConnection);
    const listed = await userpilotGet(sim, "/v1/background_jobs");
    expect(listed.status).toBe(200);
    expect(sim.stats()).toMatchObject({ jobs: 1, faults: { lost_answer: 1 } });
  });
});

describe("a cut answer", () => {
  it("is a 200 whose body gives its start, by default half a data list, then breaks off", async () => {
    for (const [answer, start] of [
      [cutAnswer(), '{"data":[{"'],
      [cutAnswer('{"result":'), '{"result":'],
    ] as const) {
      expect(answer.status).toBe(200);
      const reader = answer.body!.getReader();
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toBe(start);
      await expect(reader.read()).rejects.toThrow("socket hang up");
    }
  });
});

describe("served over HTTP", () => {
  it("a cut answer reaches the client as a 200 whose body breaks off, after the vendor acted", async () => {
    const sim = createUserpilotSimulator({
      apiKey: "k",
      faults: { script: () => ({ after: () => cutAnswer() }) },
    });
    const running = await serveSimulator(sim);
    try {
      const response = await fetch(`${running.url}/v1/users/bulk_identify`, {
        method: "POST",
        headers: { Authorization: "Token k", "Content-Type": "application/json" },
        body: JSON.stringify({ users: [{ user_id: "u-1" }] }),
        // Only a server that never ends the response would run into this.
        signal: AbortSignal.timeout(10_000),
      });
      expect(response.status).toBe(200);
      const read = await response.text().then(
        () => "read",
        (error: unknown) => (error instanceof Error ? error.name : String(error)),
      );
      expect(read).toBe("TypeError");
      expect(sim.jobs()).toHaveLength(1);
    } finally {
      await running.close();
    }
  });
});
