/**
 * The registry of fuzz targets: `fuzz()` records a target here and nothing else happens.
 * Runners (the tsfuzz worker, and later test-runner integrations) read it and act on it.
 * It lives on `globalThis` under a registered symbol so that every copy of tsfuzz loaded in one
 * realm (an ESM and a CJS instance, two versions) shares one registry.
 * Rule: registering never runs user code and never throws for a user mistake; problems are
 * recorded on the target (`errors`) and reported by the runner with the file's name.
 */
import type { Kind, Value } from '../values/kinds.js';
import type { T } from './t.js';

/** An error the target declares as expected: a class, or a predicate on the thrown value. */
export type ExpectedError = (abstract new (...args: never[]) => unknown) | ((error: unknown) => boolean);

export interface ExpectRule {
  match: ExpectedError;
  isClass: boolean;
  message: RegExp | undefined;
}

export interface RegisteredTarget {
  readonly name: string;
  /** Absolute path of the fuzz file that registered it ('' if unknown). */
  readonly file: string;
  readonly kinds: readonly Kind[];
  readonly fn: (t: T, ...args: never[]) => unknown;
  readonly seeds: Value[][];
  readonly expect: ExpectRule[];
  readonly dictionary: Uint8Array[];
  /** Problems found at registration, one line each (bad seed, bad name...). */
  readonly errors: string[];
}

export interface Registry {
  targets: RegisteredTarget[];
  /** File being loaded by a runner right now; registrations are attributed to it. */
  currentFile: string | undefined;
  /** Called on every registration (test-runner integrations hook in here). */
  listeners: Array<(t: RegisteredTarget) => void>;
}

const KEY = Symbol.for('tsfuzz.registry.v1');

/** The registry of this realm, created on first use. */
export function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  let r = g[KEY];
  if (!r) {
    r = { targets: [], currentFile: undefined, listeners: [] };
    Object.defineProperty(globalThis, KEY, { value: r, enumerable: false });
  }
  return r;
}
