/**
 * Mutations that use traced comparisons (MutatorOptions.comparisons): in bytes and strings, replace
 * an occurrence of one operand by the other (any encoding of cmp-encode.ts) or insert an operand;
 * integers, bigints and floats are set to an operand — the one wanted where the current value was
 * seen, when there is such a pair — or to it ± 1. `CmpTable` derives each argument's material once
 * (from each pair's candidates, cmp-material.ts).
 * Rule: like every mutation, a pure function of the table, the working value and the random draws.
 */

import type { ComparePair } from '../coverage/trace.js';
import type { RandomSource } from '../util/rng.js';
import { BIGINT_RANGE, INT_RANGE, type BigIntKindName, type IntKindName } from '../values/kinds.js';
import { intOf, isComparePair, isContainment, nextAfter, numberOf, pairKey, sameValue } from './cmp-encode.js';
import { copyUnits, moveUnits, type Units, type Work } from './common.js';
import { bytesCandidates, unitsCandidates, type Candidates } from './cmp-material.js';
import { packBytes, packPairs, packUnits, type Packed } from './packed.js';
import type { FloatWork } from './floats.js';
import type { BigIntWork, IntWork } from './numbers.js';
import { snapDown } from './unicode.js';

/** Most pairs a Mutator uses (the first ones of the table), and most entries derived per argument. */
export const CMP_TABLE_MAX = 1024;
const MAX_ENTRIES = 4096;

/**
 * What one argument's comparison mutations draw from: replacement pairs and operands to insert,
 * as lists (for inspection) and packed (packed.ts: what cmpReplace and cmpInsert read).
 */
type Material<B extends Units> = { replace: (readonly [B, B])[]; tokens: B[]; packedReplace: Packed<B>; packedTokens: Packed<B> };

/** The comparison table of one Mutator, validated, de-duplicated and copied; material per kind. */
export class CmpTable {
  readonly pairs: readonly ComparePair[];
  /** pairKey of each pair (the cache key of its derived material, cmp-material.ts). */
  private readonly keys: readonly string[];
  private bytesMemo = new Map<number, Material<Uint8Array>>();
  private unitsMemo = new Map<number, Material<Uint16Array>>();

  constructor(pairs: readonly ComparePair[]) {
    const seen = new Set<string>();
    const out: ComparePair[] = [];
    const keys: string[] = [];
    for (const p of pairs) {
      if (!isComparePair(p)) throw new TypeError('comparisons must be { op, left, right } with string, number, bigint or Uint8Array operands');
      const k = pairKey(p);
      if (sameValue(p.left, p.right) || seen.has(k) || out.length >= CMP_TABLE_MAX) continue;
      seen.add(k);
      const copy = (v: typeof p.left) => (v instanceof Uint8Array ? v.slice() : v);
      out.push({ site: p.site, op: p.op, left: copy(p.left), right: copy(p.right) });
      keys.push(k);
    }
    this.pairs = out;
    this.keys = keys;
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

  /** Bytes material for arguments of at most `max` bytes: each pair's candidates in table order, de-duplicated, capped. */
  bytes(max: number): Material<Uint8Array> {
    let m = this.bytesMemo.get(max);
    if (m) return m;
    const [replace, tokens] = this.assemble(this.pairs.map((p, i) => bytesCandidates(p, this.keys[i])), max);
    m = { replace, tokens, packedReplace: packPairs(replace, (n) => new Uint8Array(n)), packedTokens: packBytes(tokens) };
    this.bytesMemo.set(max, m);
    return m;
  }

  /** String material for arguments of at most `max` code units, likewise. */
  units(max: number): Material<Uint16Array> {
    let m = this.unitsMemo.get(max);
    if (m) return m;
    const [replace, tokens] = this.assemble(this.pairs.map((p, i) => unitsCandidates(p, this.keys[i])), max);
    m = { replace, tokens, packedReplace: packPairs(replace, (n) => new Uint16Array(n)), packedTokens: packUnits(tokens) };
    this.unitsMemo.set(max, m);
    return m;
  }

  /** All pairs' replacements, then all pairs' tokens, within `max` units, first of each key kept, MAX_ENTRIES each. */
  private assemble<B extends Units>(all: readonly Candidates<B>[], max: number): [(readonly [B, B])[], B[]] {
    const keys = new Set<string>();
    const replace: (readonly [B, B])[] = [];
    const tokens: B[] = [];
    for (const c of all) {
      for (const { n, r, key } of c.reps) {
        if (n.length <= max && r.length <= max && replace.length < MAX_ENTRIES && !keys.has(key)) {
          keys.add(key);
          replace.push([n, r]);
        }
      }
    }
    for (const c of all) {
      for (const { t, key } of c.toks) {
        if (t.length <= max && tokens.length < MAX_ENTRIES && !keys.has(key)) {
          keys.add(key);
          tokens.push(t);
        }
      }
    }
    return [replace, tokens];
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

/**
 * First position p in [from, to] where the needle src[s..s+n) occurs in buf (the caller keeps
 * to + n within the value), or −1. Checks the needle's first and last units before the rest:
 * operands in the table often share their first units (the zeros of big-endian forms) but rarely
 * both ends.
 */
function findIn(buf: Units, src: Units, s: number, n: number, from: number, to: number): number {
  const d = n - 1;
  const first = src[s];
  const last = src[s + d];
  for (let p = from; p <= to; p++) {
    if (buf[p] !== first || buf[p + d] !== last) continue;
    let k = 1;
    while (k < d && buf[p + k] === src[s + k]) k++;
    if (k >= d) return p;
  }
  return -1;
}

/**
 * findIn for the needle of entry k of w's replacements (n units), its end units given (from
 * w.cmpMeta): the packed table is read only where both ends match.
 */
function findEnds<B extends Units>(w: Work<B, unknown>, k: number, n: number, first: number, last: number, from: number, to: number): number {
  const buf = w.buf;
  const d = n - 1;
  for (let p = from; p <= to; p++) {
    if (buf[p] !== first || buf[p + d] !== last) continue;
    const { units, spans } = w.cmpReplace;
    const s = spans[4 * k];
    let j = 1;
    while (j < d && buf[p + j] === units[s + j]) j++;
    if (j >= d) return p;
  }
  return -1;
}

/** First position p ≥ from of the needle src[s..s+n) in buf[0..len), by Buffer#indexOf (long values). */
function findNative(buf: Units, len: number, src: Units, s: number, n: number, from: number): number {
  const k = buf.BYTES_PER_ELEMENT;
  const hay = Buffer.from(buf.buffer, buf.byteOffset, len * k);
  const nb = Buffer.from(src.buffer, src.byteOffset + s * k, n * k);
  for (let p = hay.indexOf(nb, from * k); p >= 0; p = hay.indexOf(nb, p + 1)) if (p % k === 0) return p / k;
  return -1;
}

/** First position p ≥ from of the needle src[s..s+n) in buf[0..len), or −1. */
function find(buf: Units, len: number, src: Units, s: number, n: number, from: number): number {
  return len > 128 ? findNative(buf, len, src, s, n, from) : findIn(buf, src, s, n, from, len - n);
}

/** The first occurrence of the needle src[s..s+n) at or after start in buf[0..len), else the first one before start, else −1. */
function findFrom(buf: Units, len: number, src: Units, s: number, n: number, start: number): number {
  if (len > 128) {
    const p = findNative(buf, len, src, s, n, start);
    if (p >= 0 || start === 0) return p;
    const q = findNative(buf, len, src, s, n, 0);
    return q < start ? q : -1;
  }
  const last = len - n;
  const p = findIn(buf, src, s, n, start, last);
  if (p >= 0 || start === 0) return p;
  return findIn(buf, src, s, n, 0, start - 1 < last ? start - 1 : last);
}

/**
 * findFrom restricted to positions in [lo, hi] (lo ≤ hi), for the needle of entry k of w's
 * replacements (n units): the first at or after start, else the first before it.
 */
function findFromWithin<B extends Units>(w: Work<B, unknown>, k: number, n: number, start: number, lo: number, hi: number): number {
  const ends = w.cmpMeta[2 * k + 1];
  const first = ends & 0xffff;
  const last = ends >>> 16;
  const p = findEnds(w, k, n, first, last, start > lo ? start : lo, hi);
  if (p >= 0 || start <= lo) return p;
  return findEnds(w, k, n, first, last, lo, start - 1 < hi ? start - 1 : hi);
}

/** The longest base prefix hotEntries searches (longer bases keep the whole-value scan). */
const HOT_SCAN_MAX = 1 << 16;

/**
 * Indices of the replacement entries (packed pairs) whose needle occurs in `base` (its first 64
 * KiB): the ones cmpReplace mostly draws from, since a chain's value stays close to its base.
 */
export function hotEntries<B extends Units>(reps: Packed<B>, base: B, len: number): number[] {
  const out: number[] = [];
  const n = Math.min(len, HOT_SCAN_MAX);
  const { units, spans } = reps;
  for (let k = 0; k < reps.count >> 1; k++) {
    const nl = spans[4 * k + 1];
    if (nl <= n && find(base, n, units, spans[4 * k], nl, 0) >= 0) out.push(k);
  }
  return out;
}

/**
 * Prepares w's comparison replacements (w.cmpReplace) for chains from `base` (its first `len`
 * units; `words` an Int32Array over its memory, as from withWords): which entries occur in it,
 * each entry's lengths and end units (w.cmpMeta), and the base itself for cmpReplace's search of
 * the other entries when that list covers the whole base. cmpReplace needs it first.
 */
export function setCmpBase<B extends Units>(w: Work<B, unknown>, base: B, words: Int32Array, len: number): void {
  const reps = w.cmpReplace;
  w.cmpHot = hotEntries(reps, base, len);
  const { units, spans } = reps;
  const meta = new Int32Array(reps.count);
  for (let k = 0; 2 * k < reps.count; k++) {
    const s = spans[4 * k];
    const nl = spans[4 * k + 1];
    const rl = spans[4 * k + 3];
    meta[2 * k] = Math.min(nl, 0x7fff) | (Math.min(rl, 0xffff) << 16);
    meta[2 * k + 1] = units[s] | (units[s + nl - 1] << 16);
  }
  for (const k of w.cmpHot) meta[2 * k] |= 0x8000;
  w.cmpMeta = meta;
  const whole = len <= HOT_SCAN_MAX;
  w.cmpBase = whole ? base : undefined;
  w.cmpBaseWords = whole ? words : new Int32Array(0);
  w.cmpBaseLen = whole ? len : 0;
}

/** Length of the common prefix of w's value and w.cmpBase (whole words first). */
function prefixWithBase<B extends Units>(w: Work<B, unknown>, base: B): number {
  const buf = w.buf;
  const m = w.len < w.cmpBaseLen ? w.len : w.cmpBaseLen;
  const per = buf instanceof Uint8Array ? 4 : 2;
  const words = w.words;
  const baseWords = w.cmpBaseWords;
  const full = (m / per) | 0;
  let k = 0;
  while (k < full && words[k] === baseWords[k]) k++;
  let a = k * per;
  while (a < m && buf[a] === base[a]) a++;
  return a;
}

/** Length of the common suffix of w's value and w.cmpBase that does not overlap their common prefix of length a. */
function suffixWithBase<B extends Units>(w: Work<B, unknown>, base: B, a: number): number {
  const buf = w.buf;
  const len = w.len;
  const baseLen = w.cmpBaseLen;
  const m = (len < baseLen ? len : baseLen) - a;
  let b = 0;
  while (b < m && buf[len - 1 - b] === base[baseLen - 1 - b]) b++;
  return b;
}

/** buf[pos..pos+m) := src[s..s+n) (len + n − m ≤ max). */
function replaceUnits<B extends Units>(w: Work<B, unknown>, pos: number, m: number, src: B, s: number, n: number): void {
  if (n > m) w.ensure(w.len + n - m);
  moveUnits(w.buf, pos + n, pos + m, w.len - pos - m);
  w.len += n - m;
  copyUnits(w.buf, pos, src, s, n);
}

/**
 * Replaces an occurrence (the first from a random start, wrapping around) of a traced operand by
 * the other operand. Entries are drawn ¾ of the time among those found in the base (w.cmpHot),
 * else among all; up to 2 are tried before giving up.
 *
 * Each try would scan the whole value, but a needle that is not in the base can only occur across
 * the part of the value that differs from the base (the value's common prefix and suffix with the
 * base are pieces of the base), so for those only that span is searched, in the same order: the
 * same result, without the scan that fails almost every time.
 */
export function cmpReplace<B extends Units>(w: Work<B, unknown>, r: RandomSource): boolean {
  const reps = w.cmpReplace;
  const entries = reps.count >> 1;
  const hot = w.cmpHot;
  const len = w.len;
  if (entries === 0 || len === 0) return false;
  const meta = w.cmpMeta;
  if (meta.length !== reps.count) throw new Error('internal: cmpReplace needs setCmpBase for its table');
  const base = w.cmpBase;
  // Common prefix and suffix of the value with the base, measured at the first try that needs them.
  let a = -1;
  let b = 0;
  for (let t = 0; t < 2; t++) {
    const k = hot.length > 0 && r.below(4) !== 0 ? hot[r.below(hot.length)] : r.below(entries);
    const m = meta[2 * k];
    let nl = m & 0x7fff;
    let rl = m >>> 16;
    if (nl === 0x7fff) nl = reps.spans[4 * k + 1];
    if (rl === 0xffff) rl = reps.spans[4 * k + 3];
    if (nl > len || len - nl + rl > w.max) continue;
    const start = r.below(len - nl + 1);
    let pos: number;
    if (base !== undefined && (m & 0x8000) === 0) {
      if (a < 0) {
        a = w.pristine ? len : prefixWithBase(w, base);
        b = w.pristine ? 0 : suffixWithBase(w, base, a);
      }
      // An occurrence at p must end after the common prefix and start before the common suffix.
      const lo = a - nl + 1 > 0 ? a - nl + 1 : 0;
      const hi = len - b - 1 < len - nl ? len - b - 1 : len - nl;
      if (lo > hi) continue;
      pos = findFromWithin(w, k, nl, start, lo, hi);
    } else {
      pos = findFrom(w.buf, len, reps.units, reps.spans[4 * k], nl, start);
    }
    if (pos < 0) continue;
    replaceUnits(w, pos, nl, reps.units, reps.spans[4 * k + 2], rl);
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
  if (toks.count === 0) return false;
  const i = r.below(toks.count);
  const ts = toks.spans[2 * i];
  const tl = toks.spans[2 * i + 1];
  const len = w.len;
  const k = r.below(4);
  let pos = k === 0 ? 0 : k === 1 ? len : r.below(len + 1);
  if (w.buf instanceof Uint16Array) pos = snapDown(w.buf, len, pos);
  const over = r.bool() ? Math.min(tl, len - pos) : 0;
  if (len - over + tl > w.max) return false;
  replaceUnits(w, pos, over, toks.units, ts, tl);
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
