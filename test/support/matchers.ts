// Vitest's asymmetric matchers are typed `any`, which the type-checked lint rules refuse inside typed
// expectations; these stand for the value they match, so an expected object keeps the shape of the real one.
import { expect } from "vitest";

/** Matches any string that contains `text`. */
export const containing = (text: string): string => expect.stringContaining(text) as string;

/** Matches any string that `pattern` matches. */
export const matching = (pattern: string | RegExp): string =>
  expect.stringMatching(pattern) as string;

/** Matches any value built by `constructor` (or of its primitive type: `Object`, `String`, `Number`…). */
export const anyOf = <T>(constructor: abstract new (...args: never[]) => T): T =>
  expect.any(constructor) as T;

/** Matches any array that holds each of `items` (and maybe more), in any order. */
export const including = <T>(items: readonly T[]): T[] =>
  expect.arrayContaining<unknown>([...items]) as T[];
