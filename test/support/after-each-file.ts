// The setup file (vitest.config.ts `setupFiles`), evaluated again for every test file, shared modules or not.
// Test files share their worker's modules and process: what a file leaves behind (fake timers, a spy on a
// clock, process.env, a process listener, a replaced fetch) meets the files after it, in whatever order the
// worker got them, and fails one of them for another's fault. Here a file that leaves such state behind
// fails itself, naming it, and the state is put back for the files after it; its temporary directories go.
import { afterAll, beforeAll, vi } from "vitest";
import { removeTempDirs } from "./temp-dir.js";

/** Process events a test may listen to for a while (warnings, rejections): each is removed after it. */
const EVENTS = [
  "warning",
  "unhandledRejection",
  "uncaughtException",
  "exit",
  "beforeExit",
  "SIGINT",
  "SIGTERM",
] as const;

/** Globals a test may replace or spy on, as `[owner, key, name]`. */
const GLOBALS: readonly (readonly [object, string, string])[] = [
  [globalThis, "fetch", "globalThis.fetch"],
  [globalThis, "Date", "Date"],
  [Date, "now", "Date.now"],
  [performance, "now", "performance.now"],
  [Math, "random", "Math.random"],
  [AbortSignal, "timeout", "AbortSignal.timeout"],
];

/** The process as an emitter of any event, its listeners of whatever type. */
const emitter: NodeJS.EventEmitter = process;
type Listeners = ReturnType<NodeJS.EventEmitter["listeners"]>;

/**
 * Prototypes a polluting write reaches (a test polluting on purpose, or the library writing an input's
 * `__proto__` key where it should not): a key left on one is seen by every object after it.
 */
const PROTOTYPES: readonly (readonly [object, string])[] = [
  [Object.prototype, "Object.prototype"],
  [Array.prototype, "Array.prototype"],
  [Function.prototype, "Function.prototype"],
];

interface Saved {
  readonly env: Record<string, string | undefined>;
  readonly prototypeKeys: readonly (readonly PropertyKey[])[];
  readonly listeners: ReadonlyMap<string, Listeners>;
  readonly globals: readonly unknown[];
  readonly exitCode: typeof process.exitCode;
  readonly cwd: string;
}

let saved: Saved | undefined;

beforeAll(() => {
  saved = {
    env: { ...process.env },
    prototypeKeys: PROTOTYPES.map(([prototype]) => Reflect.ownKeys(prototype)),
    listeners: new Map(EVENTS.map((event) => [event, emitter.listeners(event)] as const)),
    globals: GLOBALS.map(([owner, key]): unknown => Reflect.get(owner, key)),
    exitCode: process.exitCode,
    cwd: process.cwd(),
  };
});

afterAll(() => {
  removeTempDirs();
  if (saved === undefined) return;
  const left = [...restored(saved)];
  saved = undefined;
  if (left.length > 0)
    throw new Error(
      `this test file left ${left.join(", ")} behind for the files after it in its worker; restore it in ` +
        `afterEach or afterAll (CONTRIBUTING.md, "Tests share their modules")`,
    );
});

/** Puts back what differs from `before`, naming each. */
function* restored(before: Saved): Generator<string> {
  // vi.setSystemTime without fake timers mocks Date alone; vi.useRealTimers puts back either.
  const faked = vi.isFakeTimers();
  if (faked || Date !== before.globals[GLOBALS.findIndex(([, key]) => key === "Date")]) {
    vi.useRealTimers();
    yield faked ? "fake timers" : "a mocked Date (vi.setSystemTime)";
  }
  for (const [index, [owner, key, name]] of GLOBALS.entries()) {
    if (Reflect.get(owner, key) === before.globals[index]) continue;
    Reflect.set(owner, key, before.globals[index]);
    yield name;
  }
  for (const name of new Set([...Object.keys(before.env), ...Object.keys(process.env)])) {
    const was = before.env[name];
    if (process.env[name] === was) continue;
    if (was === undefined) delete process.env[name];
    else process.env[name] = was;
    yield `process.env.${name}`;
  }
  for (const [event, listeners] of before.listeners) {
    const added = emitter.listeners(event).filter((listener) => !listeners.includes(listener));
    for (const listener of added) emitter.off(event, listener as (...args: unknown[]) => void);
    if (added.length > 0) yield `${added.length} process "${event}" listener(s)`;
  }
  for (const [index, [prototype, name]] of PROTOTYPES.entries()) {
    const had = before.prototypeKeys[index] ?? [];
    const added = Reflect.ownKeys(prototype).filter((key) => !had.includes(key));
    for (const key of added) Reflect.deleteProperty(prototype, key);
    if (added.length > 0) yield `${name}.${added.map(String).join(", ")}`;
  }
  if (process.exitCode !== before.exitCode) {
    process.exitCode = before.exitCode;
    yield "process.exitCode";
  }
  if (process.cwd() !== before.cwd) {
    process.chdir(before.cwd);
    yield "the working directory";
  }
}
