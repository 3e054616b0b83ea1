/**
 * `fuzz(name, kinds, fn)`: declares a fuzz target, the counterpart of Go's `func FuzzX(f *testing.F)`.
 * It validates and records; it never runs anything. The returned `FuzzTarget` takes seeds
 * (`f.add`), expected errors (`f.expect`) and dictionary tokens (`f.dict`), all type-checked
 * against the declared kinds, so a seed is never silently coerced.
 */
import { checkValue, type Kind, type Value, type ValuesOf } from '../values/kinds.js';
import { registry, type ExpectedError, type RegisteredTarget } from './registry.js';
import type { T } from './t.js';

export type FuzzFunction<A extends readonly Kind[]> = (t: T, ...args: ValuesOf<A>) => void | Promise<void>;

export interface FuzzOptions {
  /** Errors that are not failures (parsers throw SyntaxError by design). */
  expect?: ExpectedError[];
  /** Dictionary tokens: strings (UTF-8) or bytes the mutator inserts. */
  dictionary?: Array<string | Uint8Array>;
}

/** A registered target; methods return `this` so calls chain. */
export interface FuzzTarget<A extends readonly Kind[]> {
  readonly name: string;
  /** Adds a seed input. Values must match the declared kinds exactly. */
  add(...values: ValuesOf<A>): this;
  /** Declares an error as expected: a class (optionally with a message pattern) or a predicate. */
  expect(error: ExpectedError, message?: RegExp): this;
  /** Adds dictionary tokens. */
  dict(...tokens: Array<string | Uint8Array>): this;
}

const NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Why `name` cannot be a target name (it becomes a directory name), or undefined. */
export function checkTargetName(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'a target name must be a non-empty string';
  if (name.length > 100) return `target name ${JSON.stringify(name.slice(0, 20) + '…')} is longer than 100 characters`;
  if (!NAME_RE.test(name) || name.includes('..')) {
    return `target name ${JSON.stringify(name)} may only contain letters, digits, _ . - (no path separators, no "..")`;
  }
  return undefined;
}

function isErrorClass(x: unknown): boolean {
  if (typeof x !== 'function') return false;
  const p = (x as { prototype?: unknown }).prototype;
  return x === Error || (typeof p === 'object' && p !== null && p instanceof Error);
}

const utf8 = new TextEncoder();

function isKind(k: unknown): k is Kind {
  return !!k && typeof k === 'object' && typeof (k as Kind).kind === 'string';
}

/**
 * Declares a fuzz target.
 *
 * ```ts
 * const f = fuzz('ParseHeader', [bytes(), uint8()], (t, data, flags) => { parseHeader(data, flags); });
 * f.add(new Uint8Array([0x89, 0x50]), 0).expect(SyntaxError);
 * ```
 */
export function fuzz<const A extends readonly Kind[]>(
  name: string,
  kinds: A,
  fn: FuzzFunction<A>,
  options: FuzzOptions = {},
): FuzzTarget<A> {
  const reg = registry();
  const errors: string[] = [];
  const nameProblem = checkTargetName(name);
  if (nameProblem) errors.push(nameProblem);
  const label = `target ${typeof name === 'string' ? name : '?'}`;
  if (!Array.isArray(kinds) || kinds.length === 0) {
    errors.push(`${label}: declare at least one argument kind, e.g. fuzz(name, [bytes()], fn)`);
  } else {
    kinds.forEach((k, i) => {
      if (typeof k === 'function') {
        const fname = (k as { name?: string }).name || 'kind';
        errors.push(`${label}: argument ${i + 1} is the function ${fname}, not a kind; call it: ${fname}()`);
      } else if (!isKind(k)) {
        errors.push(`${label}: argument ${i + 1} is not a kind; use bytes(), string(), int32() …`);
      }
    });
  }
  if (typeof fn !== 'function') errors.push(`${label}: the fuzz function is missing`);

  const target: RegisteredTarget = {
    name,
    file: reg.currentFile ?? '',
    // Only real kinds (a target with errors is never run; the rest must stay cloneable).
    kinds: Array.isArray(kinds) ? kinds.filter(isKind) : [],
    fn: fn as RegisteredTarget['fn'],
    seeds: [],
    expect: [],
    dictionary: [],
    errors,
  };

  let addCalls = 0;
  const api: FuzzTarget<A> = {
    name,
    add(...values: ValuesOf<A>) {
      const n = addCalls++;
      const where = `${label}: seed #${n} (f.add call ${n + 1})`;
      if (values.length !== target.kinds.length) {
        errors.push(`${where} has ${values.length} value(s), the target takes ${target.kinds.length}`);
        return this;
      }
      for (let i = 0; i < values.length; i++) {
        const why = checkValue(target.kinds[i], values[i]);
        if (why) {
          errors.push(`${where}, argument ${i + 1}: ${why}`);
          return this;
        }
      }
      target.seeds.push((values as unknown as Value[]).map((v) => (v instanceof Uint8Array ? new Uint8Array(v) : v)));
      return this;
    },
    expect(error: ExpectedError, message?: RegExp) {
      if (typeof error !== 'function') {
        errors.push(`${label}: expect() takes an error class or a predicate function`);
      } else if (message !== undefined && !(message instanceof RegExp)) {
        errors.push(`${label}: expect()'s message pattern must be a RegExp, e.g. /too long/, not ${typeof message === 'string' ? JSON.stringify(message) : typeof message}`);
      } else {
        target.expect.push({ match: error, isClass: isErrorClass(error), message });
      }
      return this;
    },
    dict(...tokens: Array<string | Uint8Array>) {
      for (const tok of tokens) {
        if (typeof tok === 'string') target.dictionary.push(utf8.encode(tok));
        else if (tok instanceof Uint8Array) target.dictionary.push(new Uint8Array(tok));
        else errors.push(`${label}: dictionary tokens must be strings or Uint8Arrays`);
      }
      return this;
    },
  };
  for (const e of options.expect ?? []) api.expect(e);
  if (options.dictionary) api.dict(...options.dictionary);
  reg.targets.push(target);
  for (const l of reg.listeners) l(target);
  return api;
}
