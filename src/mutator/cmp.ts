/**
 * Mutations that use traced comparisons (MutatorOptions.comparisons): in bytes and strings, replace
 * an occurrence of one operand by the other (any encoding of cmp-encode.ts) or insert an operand;
 * integers, bigints and floats are set to an operand — the one wanted where the current value was
 * seen, when there is such a pair — or to it ± 1. `CmpTable` derives each argument's material once.
 * Rule: like every mutation, a pure function of the table, the working value and the random draws.
 */

import type { CmpValue, ComparePair } from '../coverage/trace.js';
import type { RandomSource } from '../util/rng.js';
import { BIGINT_RANGE, INT_RANGE, type BigIntKindName, type IntKindName } from '../values/kinds.js';
import {
  byteTokens, bytesReplacements, intOf, isComparePair, isContainment, nextAfter, numberOf, pairKey, sameValue, textForms,
  textReplacements, valueKey, byteForms, type Family,
} from './cmp-encode.js';
import { copyUnits, moveUnits, type Units, type Work } from './common.js';
import type { FloatWork } from './floats.js';
import type { BigIntWork, IntWork } from './numbers.js';
import { unitsOfString } from './output.js';
import { snapDown } from './unicode.js';

/** Most pairs a Mutator uses (the first ones of the table), and most entries derived per argument. */
export const CMP_TABLE_MAX = 1024;
const MAX_ENTRIES = 4096;

type Material<B> = { replace: (readonly [B, B])[]; tokens: B[] };

/** The comparison table of one Mutator, validated, de-duplicated and copied; material per kind. */
export class CmpTable {
  readonly pairs: readonly ComparePair[];
  private bytesMemo = new Map<number, Material<Uint8Array>>();
  private unitsMemo = new Map<number, Material<Uint16Array>>();

  constructor(pairs: readonly ComparePair[]) {
    const seen = new Set<string>();
    const out: ComparePair[] = [];
    for (const p of pairs) {
      if (!isComparePair(p)) throw new TypeError('comparisons must be { op, left, right } with string, number, bigint or Uint8Array operands');
      const k = pairKey(p);
      if (sameValue(p.left, p.right) || seen.has(k) || out.length >= CMP_TABLE_MAX) continue;
      seen.add(k);
      const copy = (v: typeof p.left) => (v instanceof Uint8Array ? v.slice() : v);
      out.push({ site: p.site, op: p.op, left: copy(p.left), right: copy(p.right) });
    }
    this.pairs = out;
  }

  get size(): number {
    return this.pairs.length;
  }

  /** Directions worth replacing in: both, except for containment ops (needle into receiver only). */
  private *directions(): Generator<[ComparePair['left'], ComparePair['left'], number]> {
    for (const p of this.pairs) {
      yield [p.left, p.right, p.op];
      if (!isContainment(p.op)) yield [p.right, p.left, p.op];
    }
  }

  bytes(max: number): Material<Uint8Array> {
    let m = this.bytesMemo.get(max);
    if (m) return m;
    m = { replace: [], tokens: [] };
    const keys = new Set<string>();
    const add = <T>(list: T[], key: string, item: T) => {
      if (list.length < MAX_ENTRIES && !keys.has(key)) keys.add(key), list.push(item);
    };
    const forms = (this.forms ??= this.pairs.map((p) => [byteForms(p.left), byteForms(p.right)]));
    const replace = (a: CmpValue, b: CmpValue, op: number, fa: Map<Family, Uint8Array>, fb: Map<Family, Uint8Array>) => {
      for (const [n, r] of bytesReplacements(a, b, op, fa, fb)) {
        if (n.length <= max && r.length <= max) add(m!.replace, `r${n.length}:${valueKey(n)}${valueKey(r)}`, [n, r] as const);
      }
    };
    this.pairs.forEach((p, k) => {
      const [fl, fr] = forms[k];
      replace(p.left, p.right, p.op, fl, fr);
      if (!isContainment(p.op)) replace(p.right, p.left, p.op, fr, fl);
    });
    this.pairs.forEach((p, k) => {
      const [fl, fr] = forms[k];
      const contain = isContainment(p.op);
      const toks = contain ? byteTokens(p.right, true, fr) : [...byteTokens(p.left, false, fl), ...byteTokens(p.right, false, fr)];
      for (const t of toks) if (t.length <= max) add(m!.tokens, `t${valueKey(t)}`, t);
    });
    this.bytesMemo.set(max, m);
    return m;
  }
  private forms: [Map<Family, Uint8Array>, Map<Family, Uint8Array>][] | undefined;

  units(max: number): Material<Uint16Array> {
    let m = this.unitsMemo.get(max);
    if (m) return m;
    m = { replace: [], tokens: [] };
    const keys = new Set<string>();
    for (const [a, b, op] of this.directions()) {
      for (const [n, r] of textReplacements(a, b, op)) {
        const k = `r${n.length}:${n}${r}`;
        if (n.length <= max && r.length <= max && !keys.has(k) && m.replace.length < MAX_ENTRIES) {
          keys.add(k);
          m.replace.push([unitsOfString(n), unitsOfString(r)]);
        }
      }
    }
    for (const p of this.pairs) {
      for (const v of isContainment(p.op) ? [p.right] : [p.left, p.right]) {
        for (const t of textForms(v)) {
          if (t.length > 0 && t.length <= max && !keys.has(`t${t}`) && m.tokens.length < MAX_ENTRIES) {
            keys.add(`t${t}`);
            m.tokens.push(unitsOfString(t));
          }
        }
      }
    }
    this.unitsMemo.set(max, m);
    return m;
  }

  /**
   * Integer operands in [lo, hi], and [seen, wanted] pairs: exact when `seen` is in range (then
   * `wanted` must be too), else both wrapped by `wrap` (the program may have converted the value).
   */
  private integers(lo: bigint, hi: bigint, wrap: (x: bigint) => bigint): { values: bigint[]; pairs: [bigint, bigint][] } {
    const values = new Map<bigint, true>();
    const pairs = new Map<string, [bigint, bigint]>();
    for (const p of this.pairs) {
      for (const v of [p.left, p.right]) {
        const i = intOf(v);
        if (i !== undefined && i >= lo && i <= hi && values.size < MAX_ENTRIES) values.set(i, true);
      }
    }
    for (const [a, b] of this.directions()) {
      const ia = intOf(a);
      const ib = intOf(b);
      if (ia === undefined || ib === undefined) continue;
      const exact = ia >= lo && ia <= hi;
      if (exact && (ib < lo || ib > hi)) continue;
      const pr: [bigint, bigint] = exact ? [ia, ib] : [wrap(ia), wrap(ib)];
      if (pr[0] !== pr[1] && pairs.size < MAX_ENTRIES) pairs.set(`${pr[0]},${pr[1]}`, pr);
    }
    return { values: [...values.keys()], pairs: [...pairs.values()] };
  }

  ints(kind: IntKindName): { values: number[]; pairs: [number, number][] } {
    const [lo, hi] = INT_RANGE[kind];
    const bits = Math.log2(hi - lo + 1);
    const r = this.integers(BigInt(lo), BigInt(hi), (x) => (lo < 0 ? BigInt.asIntN(bits, x) : BigInt.asUintN(bits, x)));
    return { values: r.values.map(Number), pairs: r.pairs.map(([a, b]) => [Number(a), Number(b)]) };
  }

  bigints(kind: BigIntKindName): { values: bigint[]; pairs: [bigint, bigint][] } {
    const [lo, hi] = BIGINT_RANGE[kind];
    return this.integers(lo, hi, (x) => (kind === 'int64' ? BigInt.asIntN(64, x) : BigInt.asUintN(64, x)));
  }

  floats(): { values: number[]; pairs: [number, number][] } {
    const values = new Set<number>();
    const pairs = new Map<string, [number, number]>();
    for (const p of this.pairs) {
      for (const v of [p.left, p.right]) {
        const n = numberOf(v);
        if (n !== undefined && values.size < MAX_ENTRIES) values.add(n);
      }
    }
    for (const [a, b] of this.directions()) {
      const na = numberOf(a);
      const nb = numberOf(b);
      if (na !== undefined && nb !== undefined && na !== nb && pairs.size < MAX_ENTRIES) pairs.set(`${na},${nb}`, [na, nb]);
    }
    return { values: [...values], pairs: [...pairs.values()] };
  }
}

/** First position p ≥ from where needle occurs in buf[0..len), or −1 (native search when long). */
function find(buf: Units, len: number, needle: Units, from: number): number {
  const n = needle.length;
  if (len > 128) {
    const k = buf.BYTES_PER_ELEMENT;
    const hay = Buffer.from(buf.buffer, buf.byteOffset, len * k);
    const nb = Buffer.from(needle.buffer, needle.byteOffset, n * k);
    for (let p = hay.indexOf(nb, from * k); p >= 0; p = hay.indexOf(nb, p + 1)) if (p % k === 0) return p / k;
    return -1;
  }
  const first = needle[0];
  for (let p = from, last = len - n; p <= last; p++) {
    if (buf[p] !== first) continue;
    let k = 1;
    while (k < n && buf[p + k] === needle[k]) k++;
    if (k === n) return p;
  }
  return -1;
}

/** The first occurrence of needle at or after start, else the first one before start, else −1. */
function findFrom(buf: Units, len: number, needle: Units, start: number): number {
  const p = find(buf, len, needle, start);
  if (p >= 0 || start === 0) return p;
  const q = find(buf, len, needle, 0);
  return q < start ? q : -1;
}

/**
 * Indices of the replacement entries whose needle occurs in `base` (its first 64 KiB): the ones
 * cmpReplace mostly draws from, since a chain's value stays close to its base.
 */
export function hotEntries<B extends Units>(reps: readonly (readonly [B, B])[], base: B, len: number): number[] {
  const out: number[] = [];
  const n = Math.min(len, 1 << 16);
  for (let i = 0; i < reps.length; i++) if (reps[i][0].length <= n && find(base, n, reps[i][0], 0) >= 0) out.push(i);
  return out;
}

/** buf[pos..pos+m) := src (len + src.length − m ≤ max). */
function replaceUnits<B extends Units>(w: Work<B, unknown>, pos: number, m: number, src: B): void {
  const n = src.length;
  if (n > m) w.ensure(w.len + n - m);
  moveUnits(w.buf, pos + n, pos + m, w.len - pos - m);
  w.len += n - m;
  copyUnits(w.buf, pos, src, 0, n);
}

/**
 * Replaces an occurrence (the first from a random start, wrapping around) of a traced operand by
 * the other operand. Entries are drawn ¾ of the time among those found in the base (w.cmpHot),
 * else among all; up to 2 are tried before giving up (each try scans the value).
 */
export function cmpReplace<B extends Units>(w: Work<B, unknown>, r: RandomSource): boolean {
  const reps = w.cmpReplace;
  const hot = w.cmpHot;
  const len = w.len;
  if (reps.length === 0 || len === 0) return false;
  for (let t = 0; t < 2; t++) {
    const entry = reps[hot.length > 0 && r.below(4) !== 0 ? hot[r.below(hot.length)] : r.below(reps.length)];
    const needle = entry[0];
    const repl = entry[1];
    const nl = needle.length;
    if (nl > len || len - nl + repl.length > w.max) continue;
    const pos = findFrom(w.buf, len, needle, r.below(len - nl + 1));
    if (pos < 0) continue;
    replaceUnits(w, pos, nl, repl);
    return true;
  }
  return false;
}

/**
 * Inserts (or, half the time, writes over) a traced operand at the start (¼), the end (¼) or a
 * random position; string positions are moved to code-point boundaries.
 */
export function cmpInsert<B extends Units>(w: Work<B, unknown>, r: RandomSource): boolean {
  const toks = w.cmpTokens;
  if (toks.length === 0) return false;
  const t = toks[r.below(toks.length)];
  const len = w.len;
  const k = r.below(4);
  let pos = k === 0 ? 0 : k === 1 ? len : r.below(len + 1);
  if (w.buf instanceof Uint16Array) pos = snapDown(w.buf, len, pos);
  const over = r.bool() ? Math.min(t.length, len - pos) : 0;
  if (len - over + t.length > w.max) return false;
  replaceUnits(w, pos, over, t);
  return true;
}

/** An operand: the one wanted where the current value was seen (half the time, if any), else any. */
function pick<T>(values: readonly T[], pairs: readonly (readonly [T, T])[], cur: T, r: RandomSource): T | undefined {
  if (pairs.length > 0 && (values.length === 0 || r.bool())) {
    const n = pairs.length;
    const s = r.below(n);
    for (let k = 0; k < n; k++) {
      const p = pairs[s + k < n ? s + k : s + k - n];
      if (p[0] === cur) return p[1];
    }
  }
  return values.length > 0 ? values[r.below(values.length)] : undefined;
}

/** Integer := a traced operand (½), or it + 1 (¼), or − 1 (¼), wrapped to the kind. */
export function intCmp(w: IntWork, r: RandomSource): boolean {
  const v = pick(w.cmpValues, w.cmpPairs, w.value, r);
  if (v === undefined) return false;
  const d = r.below(4);
  const x = w.wrap(d < 2 ? v : d === 2 ? v + 1 : v - 1);
  if (x === w.value) return false;
  w.value = x;
  return true;
}

export function bigCmp(w: BigIntWork, r: RandomSource): boolean {
  const v = pick(w.cmpValues, w.cmpPairs, w.value, r);
  if (v === undefined) return false;
  const d = r.below(4);
  const x = w.wrap(d < 2 ? v : d === 2 ? v + 1n : v - 1n);
  if (x === w.value) return false;
  w.value = x;
  return true;
}

/** Float := a traced operand (⅓), ± 1 (⅓), or the next double up or down (⅓); float32: rounded. */
export function floatCmp(w: FloatWork, r: RandomSource): boolean {
  const v = pick(w.cmpValues, w.cmpPairs, w.value, r);
  if (v === undefined) return false;
  const d = r.below(6);
  let x = d < 2 ? v : d === 2 ? v + 1 : d === 3 ? v - 1 : nextAfter(v, d === 4 ? Infinity : -Infinity);
  if (w.f32) x = Math.fround(x);
  if (Object.is(x, w.value)) return false;
  w.value = x;
  return true;
}

/**
 * A comparison table for the next batches: `fresh` pairs (newest traced) first, then the old
 * table, without duplicates (same op and operands; the site is ignored), equal operands or
 * malformed entries, cut at `max`. Deterministic: the same arguments give the same table.
 */
export function mergeComparisons(table: readonly ComparePair[], fresh: readonly ComparePair[], max = 256): ComparePair[] {
  const out: ComparePair[] = [];
  const seen = new Set<string>();
  for (const list of [fresh, table]) {
    for (const p of list) {
      if (out.length >= max) return out;
      if (!isComparePair(p) || sameValue(p.left, p.right)) continue;
      const k = pairKey(p);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(p);
    }
  }
  return out;
}
