/**
 * Shared pieces of the bytes and string mutators: the growable working buffer (`Work`), Go's
 * `chooseLen`, interesting-value tables and allocation-free range moves on typed arrays.
 *
 * Used by bytes.ts, strings.ts and mutator.ts. Rule: every decision depends only on `len`, `max`
 * and random draws, never on a buffer's capacity, so growth never changes a sequence.
 */

import type { RandomSource } from '../util/rng.js';
import { Packed } from './packed.js';

export type Units = Uint8Array | Uint16Array;

/**
 * The mutable working copy of one bytes or string argument: `buf[0..len)` is the value and
 * `len ≤ max` always holds. `buf` grows on demand (capacity never observable). Mutation functions
 * also read the dictionary tokens and the splice donors (other corpus entries' values) from it.
 */
export class Work<B extends Units, D> {
  buf: B;
  /** An Int32Array over buf's memory (for word-wise copies). */
  words: Int32Array;
  len = 0;
  /** Tokens from the dictionary, in this argument's units. */
  tokens: readonly B[] = [];
  /** Values of this argument in other corpus entries (non-empty ones only). */
  donors: readonly D[] = [];
  /**
   * From traced comparisons (cmp.ts): [needle, replacement] pairs in this argument's units, packed
   * (packed.ts packPairs: entry k is sequences 2k and 2k+1).
   */
  cmpReplace: Packed<B>;
  /** From traced comparisons: operands to insert, in this argument's units, packed. */
  cmpTokens: Packed<B>;
  /** Indices of the cmpReplace entries whose needle occurs in the base value (cmp.ts setCmpBase). */
  cmpHot: readonly number[] = [];
  /**
   * Per cmpReplace entry k, what a try reads before it knows it has to search (cmp.ts setCmpBase),
   * in one small array: at 2k its needle length (≤ 0x7ffe, else 0x7fff), 1 << 15 if the needle
   * occurs in the base value, and its replacement's length << 16 (≤ 0xfffe, else 0xffff); at 2k+1
   * the needle's first unit and its last unit << 16.
   */
  cmpMeta: Int32Array = new Int32Array(0);
  /**
   * The base value (and an Int32Array over its memory) when cmpMeta's in-base bits were found by
   * searching all of it, so that cmpReplace may look for the other entries only where the value
   * differs from it; else undefined.
   */
  cmpBase: B | undefined = undefined;
  cmpBaseWords: Int32Array = new Int32Array(0);
  cmpBaseLen = 0;
  /** True while the value is known to be the base (args.ts: set by reset, cleared when a mutation applies). */
  pristine = false;

  constructor(
    private readonly make: (n: number) => B,
    /** The longest value allowed (maxLen). */
    readonly max: number,
  ) {
    this.buf = make(capacity(Math.min(max, 64)));
    this.cmpReplace = new Packed<B>([], make);
    this.cmpTokens = this.cmpReplace;
    this.words = new Int32Array(this.buf.buffer);
  }

  /** Makes the capacity at least `n` (n ≤ max), keeping the content. */
  ensure(n: number): void {
    if (n <= this.buf.length) return;
    const next = this.make(capacity(Math.min(this.max, Math.max(n, this.buf.length * 2))));
    next.set(this.buf.subarray(0, this.len) as never);
    this.buf = next;
    this.words = new Int32Array(next.buffer);
  }

  /**
   * Replaces the content by the first n units of `src`, given as an Int32Array over src's memory
   * (which must hold n units rounded up to whole words; see `withWords`). n ≤ max.
   */
  load(src: Int32Array, n: number): void {
    this.ensure(n);
    const end = (n * this.buf.BYTES_PER_ELEMENT + 3) >> 2;
    const words = this.words;
    if (end <= 64) {
      for (let i = 0; i < end; i++) words[i] = src[i];
    } else {
      words.set(src.subarray(0, end));
    }
    this.len = n;
  }
}

/** A copy of `src` in a buffer rounded up to whole 8-byte words, plus an Int32Array over it. */
export function withWords<B extends Units>(src: B, make: (n: number) => B): { units: B; words: Int32Array } {
  const units = make(capacity(src.length));
  units.set(src as never);
  return { units, words: new Int32Array(units.buffer) };
}

/** Capacities are multiples of 8 so whole 32-bit words can be read up to len (see output.ts). */
function capacity(n: number): number {
  return (n + 7) & ~7;
}

export type BytesWork = Work<Uint8Array, Uint8Array>;
export type StringWork = Work<Uint16Array, string>;

export function newBytesWork(max: number): BytesWork {
  return new Work<Uint8Array, Uint8Array>((n) => new Uint8Array(n), max);
}

export function newStringWork(max: number): StringWork {
  return new Work<Uint16Array, string>((n) => new Uint16Array(n), max);
}

/**
 * Go's chooseLen: a length in 1..n biased towards short ones (90%: 1..min(8,n); 9%: 1..min(32,n);
 * 1%: 1..n). n must be ≥ 1.
 */
export function chooseLen(r: RandomSource, n: number): number {
  const x = r.below(100);
  if (x < 90) return 1 + r.below(n < 8 ? n : 8);
  if (x < 99) return 1 + r.below(n < 32 ? n : 32);
  return 1 + r.below(n);
}

/**
 * Applies one mutation drawn uniformly from `table` (retrying while the drawn one does not apply,
 * at most 64 draws). Returns whether something applied.
 */
export function mutateWith<W>(w: W, r: RandomSource, table: readonly ((w: W, r: RandomSource) => boolean)[]): boolean {
  const n = table.length;
  if (n === 0) return false;
  for (let tries = 0; tries < 64; tries++) {
    if (table[r.below(n)](w, r)) return true;
  }
  return false;
}

/** Picks `a` or a different position in 0..n-1 (n ≥ 2) without a retry loop. */
export function otherPos(r: RandomSource, n: number, a: number): number {
  const b = r.below(n - 1);
  return b >= a ? b + 1 : b;
}

/** Go's interesting values (as signed numbers). */
export const INTERESTING8: readonly number[] = [-128, -1, 0, 1, 16, 32, 64, 100, 127];
export const INTERESTING16: readonly number[] = [
  -32768, -129, 128, 255, 256, 512, 1000, 1024, 4096, 32767, ...INTERESTING8,
];
export const INTERESTING32: readonly number[] = [
  -2147483648, -100663046, -32769, 32768, 65535, 65536, 100663045, 2147483647, ...INTERESTING16,
];

/**
 * Up to this many units, copies and fills are plain loops: the typed-array builtins (set with
 * subarray, copyWithin, fill) cost 30–60 ns a call here, more than a loop over 64 units.
 */
const SMALL = 64;

/** `buf[pos..pos+n) = v`. */
export function fillUnits(buf: Units, pos: number, n: number, v: number): void {
  if (n > SMALL) {
    buf.fill(v, pos, pos + n);
    return;
  }
  for (let i = pos, end = pos + n; i < end; i++) buf[i] = v;
}

/** Copies `src[s..s+n)` to `dst[d..)` (distinct arrays, or non-overlapping ranges). */
export function copyUnits(dst: Units, d: number, src: Units, s: number, n: number): void {
  if (n <= SMALL) {
    for (let i = 0; i < n; i++) dst[d + i] = src[s + i];
  } else {
    dst.set(src.subarray(s, s + n) as never, d);
  }
}

/** memmove inside one array: `buf[d..d+n) = old buf[s..s+n)`. */
export function moveUnits(buf: Units, d: number, s: number, n: number): void {
  if (n <= 0 || d === s) return;
  if (n > SMALL) {
    buf.copyWithin(d, s, s + n);
  } else if (d < s) {
    for (let i = 0; i < n; i++) buf[d + i] = buf[s + i];
  } else {
    for (let i = n - 1; i >= 0; i--) buf[d + i] = buf[s + i];
  }
}

/** Opens a gap of `n` units at `pos` (len + n ≤ max); the gap holds stale units. */
export function openGap<B extends Units>(w: Work<B, unknown>, pos: number, n: number): void {
  w.ensure(w.len + n);
  moveUnits(w.buf, pos + n, pos, w.len - pos);
  w.len += n;
}

/** Deletes `n` units at `pos`. */
export function closeGap(w: Work<Units, unknown>, pos: number, n: number): void {
  moveUnits(w.buf, pos, pos + n, w.len - pos - n);
  w.len -= n;
}

/** Reverses `buf[a..b)` in place. */
export function reverseUnits(buf: Units, a: number, b: number): void {
  for (let i = a, j = b - 1; i < j; i++, j--) {
    const t = buf[i];
    buf[i] = buf[j];
    buf[j] = t;
  }
}

/**
 * Exchanges the ranges [a, a+an) and [b, b+bn) (a + an ≤ b) in place, lengths may differ:
 * reverse the whole span, then each of its three parts.
 */
export function swapRanges(buf: Units, a: number, an: number, b: number, bn: number): void {
  const end = b + bn;
  const mid = b - a - an;
  reverseUnits(buf, a, end);
  reverseUnits(buf, a, a + bn);
  reverseUnits(buf, a + bn, a + bn + mid);
  reverseUnits(buf, a + bn + mid, end);
}

/**
 * Inserts a copy of `buf[s..s+n)` at `d` (d ≤ len, len + n ≤ max) without scratch space: open the
 * gap, then copy the chunk from wherever the gap moved it (it may be split by the gap).
 */
export function duplicateWithin(w: Work<Units, unknown>, s: number, n: number, d: number): void {
  openGap(w, d, n);
  const buf = w.buf;
  if (s + n <= d) {
    moveUnits(buf, d, s, n);
  } else if (s >= d) {
    moveUnits(buf, d, s + n, n);
  } else {
    const a = d - s; // [s, d) stayed; [d, s+n) moved to [d+n, s+2n)
    moveUnits(buf, d, s, a);
    moveUnits(buf, d + a, d + n, n - a);
  }
}
