/**
 * Shrinkers for sequences of units (bytes of a Uint8Array, code points of a string), shared by
 * bytes.ts and strings.ts: size reduction (tail cut, head cut, filler, ddmin chunk removal) and
 * unit simplification. Called through bytes.ts/strings.ts by minimize.ts.
 * Rule: a candidate is never longer than the current value, and units are only ever removed or
 * replaced whole (a surrogate pair is one unit, so it is never split).
 */

import { FILLER, unitRank } from './order.js';
import { smallestAccepted, type Shrinker } from './search.js';

/** Window removal runs on values up to this many units, with windows up to SLIDE_MAX_WINDOW. */
const SLIDE_MAX_LEN = 64;
const SLIDE_MAX_WINDOW = 8;

/** Units of a sequence: bytes, or code points of a string. Candidates are fresh arrays. */
export type Units = Uint8Array | Uint32Array;

/** `u` without `u[i, i + c)`. */
function without<U extends Units>(u: U, i: number, c: number): U {
  const out = u.slice(0, u.length - c) as U;
  out.set(u.subarray(i + c), i);
  return out;
}

/** Whether u[a, a + c) and u[b, b + c) hold the same units (both inside u). */
function sameChunk(u: Units, a: number, b: number, c: number): boolean {
  for (let j = 0; j < c; j++) if (u[a + j] !== u[b + j]) return false;
  return true;
}

/**
 * Size phase, in the order that makes a large input shrink in few executions:
 * 1. tail cut: bisect the shortest accepted prefix (~log2 n tries; most bugs sit at a point);
 * 2. head cut: bisect the shortest accepted suffix — a marker inside a large input is isolated
 *    by these two alone;
 * 3. filler: overwrite halves, quarters, ... (chunks ≥ 2) with '0' where accepted. Content the bug
 *    does not read becomes uniform, so the removals below collide (skipped or cached);
 * 4. ddmin removal: remove chunks of n/2, n/4, ..., 1 units (granularity doubles after each
 *    sweep); the last sweep is single-unit removal, making the result 1-minimal;
 * 5. window removal, short values only (≤ SLIDE_MAX_LEN units): remove every window of 8 down to
 *    2 units at every offset — structure such as `"k":[],` is rarely aligned to a ddmin chunk.
 */
export function* shrinkUnits<U extends Units, V>(start: U, build: (units: U) => V): Shrinker<V> {
  let u = start.slice() as U;
  if (u.length === 0) return;
  // 1. Tail cut (length 0 is the zero value, tried first and usually cached).
  const keep = Number(yield* smallestAccepted(0n, BigInt(u.length), (k) => build(u.slice(0, Number(k)) as U)));
  if (keep < u.length) u = u.slice(0, keep) as U;
  // 2. Head cut.
  const n = u.length;
  const tail = Number(yield* smallestAccepted(0n, BigInt(n), (k) => build(u.slice(n - Number(k)) as U)));
  if (tail < n) u = u.slice(n - tail) as U;
  // 3. Filler.
  for (let c = u.length; c >= 2; c = Math.ceil(c / 2)) {
    for (let i = 0; i < u.length; i += c) {
      let differs = false;
      for (let j = i; j < i + c && j < u.length; j++) if (u[j] !== FILLER) { differs = true; break; }
      if (!differs) continue;
      const cand = u.slice().fill(FILLER, i, Math.min(i + c, u.length)) as U;
      if (yield build(cand)) u = cand;
    }
  }
  // 4. Chunk removal, down to single units. Removing a chunk equal to the one just rejected
  // before it gives the same (rejected) value: skipped without building it, so long uniform
  // runs cost O(n) per sweep, not O(n^2).
  if (u.length === 0) return;
  for (let c = Math.ceil(u.length / 2); ; c = Math.ceil(c / 2)) {
    let rejected = -1;
    for (let i = 0; i < u.length;) {
      if (i === 0 && c >= u.length) break; // removing everything is the zero value
      const len = Math.min(c, u.length - i);
      if (rejected >= 0 && len === c && sameChunk(u, rejected, i, c)) { i += c; continue; }
      const cand = without(u, i, len);
      if (yield build(cand)) { u = cand; rejected = -1; }
      else { rejected = len === c ? i : -1; i += c; }
    }
    if (c <= 1) break;
  }
  // 5. Unaligned windows.
  if (u.length > SLIDE_MAX_LEN) return;
  for (let c = Math.min(SLIDE_MAX_WINDOW, u.length - 1); c >= 2; c--) {
    for (let i = 0; i + c <= u.length;) {
      const cand = without(u, i, c);
      if (yield build(cand)) u = cand;
      else i++;
    }
  }
}

/** For one unit: the simpler replacements to try, in order, and a range to bisect toward. */
export interface UnitSimplifier {
  /** Replacements with a lower unitRank than `u`, simplest first. */
  targets(u: number): readonly number[];
  /**
   * For units outside ASCII: [lo, hi, toUnit] such that candidates toUnit(lo..hi-1) are simpler
   * than `u` = toUnit(hi), in increasing order; undefined if there is nothing to bisect.
   */
  range(u: number): readonly [number, number, (k: number) => number] | undefined;
}

/** ASCII replacements, simplest first: '0', 'a', ' ', '1', 'A', NUL (plus a letter's lowercase). */
const TARGETS: readonly number[] = [0x30, 0x61, 0x20, 0x31, 0x41, 0x00];

/** TARGETS (and the lowercase of an uppercase letter) that are simpler than `u`. */
export function asciiTargets(u: number): number[] {
  const all = u >= 0x41 && u <= 0x5a ? [...TARGETS, u + 0x20] : TARGETS;
  const r = unitRank(u);
  return all.filter((t, i) => t !== u && unitRank(t) < r && all.indexOf(t) === i);
}

/**
 * Per-unit simplification runs on values up to this many units: it costs ~6-14 executions per
 * unit that must stay, and in a longer value the filler step has already made every chunk of 2
 * that could be '0' into '0' — readability of the rest is not worth ~10 executions a unit.
 */
const SIMPLIFY_MAX_LEN = 1024;

/**
 * Simplification phase (readability, same or smaller length): for each unit, the first accepted
 * of its targets, else the smallest accepted value of its range by bisection. Units that are
 * already '0' cost nothing; an essential unit costs about 6 tries (+ log2 of its range).
 */
export function* simplifyUnits<U extends Units, V>(start: U, build: (units: U) => V, s: UnitSimplifier): Shrinker<V> {
  if (start.length > SIMPLIFY_MAX_LEN) return;
  const u = start.slice() as U;
  for (let i = 0; i < u.length; i++) {
    const orig = u[i];
    let done = false;
    for (const t of s.targets(orig)) {
      u[i] = t;
      if (yield build(u.slice() as U)) { done = true; break; }
      u[i] = orig;
    }
    if (done) continue;
    const range = s.range(orig);
    if (range === undefined) continue;
    const [lo, hi, toUnit] = range;
    const k = yield* smallestAccepted(BigInt(lo), BigInt(hi), (j) => {
      const cand = u.slice() as U;
      cand[i] = toUnit(Number(j));
      return build(cand);
    });
    u[i] = toUnit(Number(k));
  }
}
