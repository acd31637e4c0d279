// The slots imports through one client share for the work a vendor lets one account have in progress.
import { getEventListeners } from "node:events";
import { expect, it } from "vitest";
import { WorkSlots } from "../../src/core/engine/work-slots.js";

const never = new AbortController().signal;

it("gives slots while jobs and records fit, then in the order asked for as they are given back", async () => {
  const slots = new WorkSlots(2, 10);
  const order: string[] = [];
  const a = await slots.take(4, never);
  const b = await slots.take(4, never);
  const c = slots.take(1, never).then((done) => (order.push("c"), done));
  const d = slots.take(1, never).then((done) => (order.push("d"), done));
  await Promise.resolve();
  expect(order).toEqual([]);
  a();
  a(); // a second call gives back nothing more
  (await c)();
  b();
  await d;
  expect(order).toEqual(["c", "d"]);
});

it("starts a job only while the records in progress are fewer than the most", async () => {
  const slots = new WorkSlots(5, 10);
  const big = await slots.take(10, never);
  let started = false;
  const next = slots.take(1, never).then(() => (started = true));
  await Promise.resolve();
  expect(started).toBe(false);
  big();
  await next;
  expect(started).toBe(true);
});

it("stops waiting when the caller's signal aborts, holding no slot", async () => {
  const slots = new WorkSlots(1, 10);
  const first = await slots.take(1, never);
  const controller = new AbortController();
  const waiting = slots.take(1, controller.signal);
  controller.abort();
  (await waiting)();
  // Giving back the slot it never held frees none: the first job still holds the only one.
  let early = false;
  const third = slots.take(1, never).then((done) => ((early = true), done));
  await Promise.resolve();
  await Promise.resolve();
  expect(early).toBe(false);
  first();
  (await third)();
  // Both given back: a third takes its slot at once.
  let took = false;
  void slots.take(1, never).then(() => (took = true));
  await Promise.resolve();
  await Promise.resolve();
  expect(took).toBe(true);
});

it("starts a job of more records than the most once nothing else is in progress: it never waits forever", async () => {
  // A chunk configured past the vendor's budget (FullStory: 50,000 users a batch, 500,000 in flight).
  const slots = new WorkSlots(200, 500_000);
  const full = await slots.take(500_000, never);
  let started = false;
  const huge = slots.take(600_000, never).then((done) => ((started = true), done));
  await Promise.resolve();
  expect(started).toBe(false);
  full();
  (await huge)();
  expect(started).toBe(true);
  // Given back, the budget is whole again.
  const again = await slots.take(500_000, never);
  again();
});

it("holds one listener on a signal however many chunks of its run wait, and none once they stopped", async () => {
  const slots = new WorkSlots(1, 1_000);
  const first = await slots.take(1, never);
  const controller = new AbortController();
  // A run's chunks share its signal: at a concurrency of 100, a hundred wait for room on it.
  const waiting = Array.from({ length: 100 }, () => slots.take(1, controller.signal));
  // A listener each passed Node's limit of 10: a MaxListenersExceededWarning on the integrator's console.
  expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
  first();
  (await waiting[0])?.();
  controller.abort();
  await Promise.all(waiting);
  expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
});

it("a job started from the queue holds its slot: the next waits until it is given back", async () => {
  const slots = new WorkSlots(1, 10);
  const first = await slots.take(1, never);
  const started: string[] = [];
  const second = slots.take(1, never).then((done) => (started.push("second"), done));
  const third = slots.take(1, never).then((done) => (started.push("third"), done));
  first();
  const giveBack = await second;
  await Promise.resolve();
  await Promise.resolve();
  // Started too, the third would be a second job where the vendor takes one: its 429 would fail the chunk.
  expect(started).toEqual(["second"]);
  giveBack();
  (await third)();
  expect(started).toEqual(["second", "third"]);
});

it("lets go of the signal once every chunk waiting on it took its slot", async () => {
  const slots = new WorkSlots(1, 1_000);
  const first = await slots.take(1, never);
  const controller = new AbortController();
  // A server's shutdown signal outlives its imports: a listener left on it per import adds up.
  const waiting = slots.take(1, controller.signal);
  expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
  first();
  (await waiting)();
  expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
});

it("a second call of a slot's give-back frees nothing: the job that took the slot since keeps it", async () => {
  const slots = new WorkSlots(1, 10);
  const first = await slots.take(1, never);
  first();
  const second = await slots.take(1, never);
  // An adapter's cleanup may give back again (a `finally` after an early give-back).
  first();
  let early = false;
  const third = slots.take(1, never).then((done) => ((early = true), done));
  await Promise.resolve();
  await Promise.resolve();
  expect(early).toBe(false);
  second();
  (await third)();
  expect(early).toBe(true);
});

it("starts every waiting job that fits once room is given back, not only the first", async () => {
  const slots = new WorkSlots(5, 10);
  const big = await slots.take(10, never);
  const started: string[] = [];
  const small = ["c", "d", "e"].map((name) =>
    slots.take(1, never).then((done) => (started.push(name), done)),
  );
  big();
  await small[0];
  await Promise.resolve();
  await Promise.resolve();
  // None of them given back yet: the room `big` left is enough for the three.
  expect(started).toEqual(["c", "d", "e"]);
  for (const done of await Promise.all(small)) done();
});
