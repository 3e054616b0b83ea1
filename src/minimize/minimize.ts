/**
 * Input minimization: shrinks a failing (or newly-covering) input tuple while the engine's
 * `accept` callback (a run in an isolated worker) says it still behaves the same way; the
 * shrinkers it drives are pure. Order of a pass (see PHASES): each argument alone → zero; sizes of
 * bytes/strings; integers; floats; readability — biggest wins first, as a smaller input also
 * makes every later execution cheaper. Passes repeat until one accepts nothing.
 * Rule: a candidate is tried only if valid for its kind, strictly simpler (order.ts: never longer)
 * and never tried before; the original is never tried; every `accept` call is one execution.
 */

import { createHash } from 'node:crypto';
import { checkValue, isBigIntKind, isFloatKind, isIntKind, zeroValue, type Kind, type Value } from '../values/kinds.js';
import { shrinkBytes, simplifyBytes } from './bytes.js';
import { shrinkBigInt, shrinkInt } from './numbers.js';
import { shrinkFloat } from './floats.js';
import { compareValue } from './order.js';
import type { Shrinker } from './search.js';
import { shrinkString, simplifyString } from './strings.js';

export { compareSimplicity, compareValue } from './order.js';

export interface MinimizeBudget {
  /** Stop after this many candidate executions (undefined = no limit). */
  maxExecs?: number;
  /** Stop at this time (Date.now() scale) (undefined = no limit). */
  deadline?: number;
  /** Checked before each candidate; true = stop now (interrupt). */
  stopped?: () => boolean;
}

export interface MinimizeResult {
  /** The simplest accepted tuple (fresh copies; the original values if nothing was accepted). */
  values: Value[];
  /** Calls made to `accept`. */
  execs: number;
  /** Calls to `accept` that resolved true. */
  accepted: number;
  /** The budget ran out before a fixpoint. */
  exhausted: boolean;
}

/**
 * The phases of one pass, in order. Zero first: an argument the bug does not need goes in one
 * execution (booleans have no other step: false is their zero). Then sizes: cutting a 4 KB input
 * to a few bytes takes ~30 executions and makes everything after it faster. Then integers and
 * floats (a handful of bisections each). Readability last: it never changes a length, and costs
 * a few executions per unit that survives.
 */
type Phase = 'zero' | 'size' | 'ints' | 'floats' | 'simplify';
const PHASES: readonly Phase[] = ['zero', 'size', 'ints', 'floats', 'simplify'];

function* tryZero(kind: Kind): Shrinker<Value> {
  yield zeroValue(kind);
}

function shrinkerFor(phase: Phase, kind: Kind, v: Value): Shrinker<Value> | undefined {
  const k = kind.kind;
  switch (phase) {
    case 'zero': return tryZero(kind);
    case 'size':
      if (k === 'bytes') return shrinkBytes(v as Uint8Array);
      return k === 'string' ? shrinkString(v as string) : undefined;
    case 'ints':
      if (isIntKind(k)) return shrinkInt(k, v as number);
      return isBigIntKind(k) ? shrinkBigInt(k, v as bigint) : undefined;
    case 'floats':
      return isFloatKind(k) ? shrinkFloat(k === 'float32', v as number) : undefined;
    case 'simplify':
      if (k === 'bytes') return simplifyBytes(v as Uint8Array);
      return k === 'string' ? simplifyString(v as string) : undefined;
  }
}

/** A copy the receiver may keep or modify (Uint8Array.from: a Buffer's slice() would share). */
function own(v: Value): Value {
  return v instanceof Uint8Array ? Uint8Array.from(v) : v;
}

/** A collision-resistant key of a tuple (strings as UTF-16 units, so lone surrogates count). */
export function tupleKey(values: readonly Value[]): string {
  const h = createHash('sha1');
  for (const v of values) {
    if (v instanceof Uint8Array) { h.update(`b${v.length}:`); h.update(v); }
    else if (typeof v === 'string') { h.update(`s${v.length}:`); h.update(Buffer.from(v, 'utf16le')); }
    else if (typeof v === 'number') h.update(`n${Object.is(v, -0) ? '-0' : String(v)};`);
    else if (typeof v === 'bigint') h.update(`i${v};`);
    else h.update(v ? 't;' : 'f;');
  }
  return h.digest('base64');
}

/**
 * Shrinks `values` (a tuple of `kinds`) while `accept(candidate)` resolves true. Never calls
 * accept with the original values nor twice with the same candidate; each call counts as one
 * exec and receives its own copies. An error thrown by `accept` propagates.
 */
export async function minimizeInput(
  kinds: readonly Kind[],
  values: readonly Value[],
  accept: (candidate: Value[]) => Promise<boolean>,
  budget: MinimizeBudget = {},
): Promise<MinimizeResult> {
  if (kinds.length !== values.length) {
    throw new RangeError(`minimizeInput: ${values.length} values for ${kinds.length} kinds`);
  }
  kinds.forEach((kind, i) => {
    const why = checkValue(kind, values[i]);
    if (why !== undefined) throw new TypeError(`minimizeInput: argument ${i + 1}: ${why}`);
  });
  const cur: Value[] = values.map(own);
  const tried = new Set<string>([tupleKey(cur)]);
  let execs = 0;
  let accepted = 0;
  const outOfBudget = () =>
    (budget.maxExecs !== undefined && execs >= budget.maxExecs) ||
    (budget.deadline !== undefined && Date.now() >= budget.deadline) ||
    (budget.stopped?.() ?? false);

  /** true/false = accepted or not (without an exec if invalid, not simpler or tried); null = stop. */
  const attempt = async (i: number, v: Value): Promise<boolean | null> => {
    if (checkValue(kinds[i], v) !== undefined) return false;
    if (compareValue(kinds[i], v, cur[i]) >= 0) return false;
    const cand = cur.slice();
    cand[i] = v;
    const key = tupleKey(cand);
    // A tuple seen before was rejected: any accepted one is no longer simpler than `cur`.
    if (tried.has(key)) return false;
    if (outOfBudget()) return null;
    tried.add(key);
    execs++;
    if (!(await accept(cand.map(own)))) return false;
    cur[i] = own(v);
    accepted++;
    return true;
  };

  for (let progress = true; progress;) {
    progress = false;
    for (const phase of PHASES) {
      for (let i = 0; i < kinds.length; i++) {
        const gen = shrinkerFor(phase, kinds[i], cur[i]);
        if (gen === undefined) continue;
        try {
          for (let r = gen.next(); !r.done; ) {
            const ok = await attempt(i, r.value);
            if (ok === null) return { values: cur.map(own), execs, accepted, exhausted: true };
            if (ok) progress = true;
            r = gen.next(ok);
          }
        } finally {
          gen.return();
        }
      }
    }
  }
  return { values: cur.map(own), execs, accepted, exhausted: false };
}
