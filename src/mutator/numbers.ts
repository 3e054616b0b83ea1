/**
 * Mutations of integer arguments: int8..uint32 as numbers, int64/uint64 as bigints. Each works on a
 * one-value state (`IntWork`, `BigIntWork`) and returns false when it would not change the value.
 *
 * args.ts draws them with `mutateWith`. Rule: results are always integers in the kind's range
 * (wrapped in two's complement), never -0, and depend only on the state and the random draws.
 */

import { BIGINT_RANGE, INT_RANGE, type BigIntKindName, type IntKindName } from '../values/kinds.js';
import type { RandomSource } from '../util/rng.js';
import { INTERESTING32 } from './common.js';

const BITS: Record<IntKindName, number> = { int8: 8, int16: 16, int32: 32, uint8: 8, uint16: 16, uint32: 32 };

const intInterestingCache = new Map<IntKindName, readonly number[]>();
/**
 * min, max, 0, ±1, ±2^k, ±2^k±1 and Go's interesting values, those in range (computed once per
 * kind).
 */
function intInterestingOf(kind: IntKindName): readonly number[] {
  let list = intInterestingCache.get(kind);
  if (!list) {
    const [lo, hi] = INT_RANGE[kind];
    const set = new Set<number>([lo, hi, 0, 1, -1]);
    for (let k = 1; k < BITS[kind]; k++) for (const d of [-1, 0, 1]) set.add(2 ** k + d).add(-(2 ** k) + d);
    for (const v of INTERESTING32) set.add(v);
    list = [...set].filter((v) => v >= lo && v <= hi);
    intInterestingCache.set(kind, list);
  }
  return list;
}

const bigInterestingCache = new Map<BigIntKindName, readonly bigint[]>();
function bigInterestingOf(kind: BigIntKindName): readonly bigint[] {
  let list = bigInterestingCache.get(kind);
  if (!list) {
    const [lo, hi] = BIGINT_RANGE[kind];
    const set = new Set<bigint>([lo, hi, 0n, 1n, -1n]);
    for (let k = 1n; k < 64n; k++) for (const d of [-1n, 0n, 1n]) set.add((1n << k) + d).add(-(1n << k) + d);
    for (const v of INTERESTING32) set.add(BigInt(v));
    list = [...set].filter((v) => v >= lo && v <= hi);
    bigInterestingCache.set(kind, list);
  }
  return list;
}

/** State of one number-valued integer argument. */
export class IntWork {
  value = 0;
  readonly bits: number;
  readonly signed: boolean;
  readonly lo: number;
  readonly hi: number;
  /** Boundaries and Go's interesting values that fit the kind. */
  readonly interesting: readonly number[];
  /** This argument's values in other corpus entries. */
  donors: readonly number[] = [];
  /** Dictionary-derived integers in range. */
  tokens: readonly number[] = [];
  /** Traced compare operands in range, and [seen, wanted] pairs (cmp.ts). */
  cmpValues: readonly number[] = [];
  cmpPairs: readonly (readonly [number, number])[] = [];

  constructor(readonly kind: IntKindName) {
    this.bits = BITS[kind];
    [this.lo, this.hi] = INT_RANGE[kind];
    this.signed = this.lo < 0;
    this.interesting = intInterestingOf(kind);
  }

  /** Reduces any integer-valued double (|v| < 2^53) to the kind's range, two's complement. */
  wrap(v: number): number {
    if (this.bits === 32) return this.signed ? v | 0 : v >>> 0;
    const s = 32 - this.bits;
    return this.signed ? (v << s) >> s : (v << s) >>> s;
  }
}

function setInt(w: IntWork, v: number): boolean {
  if (v === w.value) return false;
  w.value = v;
  return true;
}

/** Adds or subtracts 1..35, wrapping. */
export function intAdd(w: IntWork, r: RandomSource): boolean {
  const d = 1 + r.below(35);
  return setInt(w, w.wrap(r.bool() ? w.value + d : w.value - d));
}
/** A boundary (min, max, 0, ±1, ±2^k, ±2^k±1) or one of Go's interesting values, in range. */
export function intInteresting(w: IntWork, r: RandomSource): boolean {
  return setInt(w, w.interesting[r.below(w.interesting.length)]);
}
/** Uniformly random in the whole range. */
export function intRandom(w: IntWork, r: RandomSource): boolean {
  return setInt(w, w.lo + r.below(w.hi - w.lo + 1));
}
/** Random of small magnitude: below 2^k for a random k in 0..bits, negated half the time if signed. */
export function intRandomBits(w: IntWork, r: RandomSource): boolean {
  const k = r.below(w.bits + 1);
  const v = k === 0 ? 0 : r.u32() >>> (32 - k);
  return setInt(w, w.wrap(w.signed && r.bool() ? -v : v));
}
/** Flips one bit of the two's-complement representation. */
export function intBitFlip(w: IntWork, r: RandomSource): boolean {
  return setInt(w, w.wrap(w.value ^ (1 << r.below(w.bits))));
}
/** Two's-complement negation (min stays min; for unsigned kinds 2^bits − v). */
export function intNegate(w: IntWork, _r: RandomSource): boolean {
  return setInt(w, w.wrap(0 - w.value));
}
/** Reverses the byte order (16- and 32-bit kinds). */
export function intByteSwap(w: IntWork, _r: RandomSource): boolean {
  const v = w.value;
  if (w.bits === 8) return false;
  if (w.bits === 16) return setInt(w, w.wrap(((v & 0xff) << 8) | ((v >> 8) & 0xff)));
  return setInt(w, w.wrap(((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >> 8) & 0xff00) | ((v >>> 24) & 0xff)));
}
/** Shifts left or right (arithmetic for signed kinds) by 1..bits−1, wrapping. */
export function intShift(w: IntWork, r: RandomSource): boolean {
  const k = 1 + r.below(w.bits - 1);
  const v = w.value;
  return setInt(w, w.wrap(r.bool() ? v << k : w.signed ? v >> k : v >>> k));
}
/** This argument's value in another corpus entry. */
export function intSplice(w: IntWork, r: RandomSource): boolean {
  return w.donors.length > 0 && setInt(w, w.donors[r.below(w.donors.length)]);
}
/** An integer read from a dictionary token (decimal text, or 1/2/4/8 raw bytes in either order). */
export function intToken(w: IntWork, r: RandomSource): boolean {
  return w.tokens.length > 0 && setInt(w, w.tokens[r.below(w.tokens.length)]);
}

export type IntMutator = (w: IntWork, r: RandomSource) => boolean;
export const INT_MUTATORS: readonly IntMutator[] = [
  intAdd, intAdd, intInteresting, intRandom, intRandomBits, intBitFlip, intNegate, intByteSwap, intShift,
];

/** State of one int64/uint64 argument. */
export class BigIntWork {
  value = 0n;
  readonly signed: boolean;
  readonly interesting: readonly bigint[];
  donors: readonly bigint[] = [];
  tokens: readonly bigint[] = [];
  cmpValues: readonly bigint[] = [];
  cmpPairs: readonly (readonly [bigint, bigint])[] = [];

  constructor(readonly kind: BigIntKindName) {
    this.signed = kind === 'int64';
    this.interesting = bigInterestingOf(kind);
  }

  wrap(v: bigint): bigint {
    return this.signed ? BigInt.asIntN(64, v) : BigInt.asUintN(64, v);
  }
}

function setBig(w: BigIntWork, v: bigint): boolean {
  if (v === w.value) return false;
  w.value = v;
  return true;
}

function random64(r: RandomSource): bigint {
  return (BigInt(r.u32()) << 32n) | BigInt(r.u32());
}

/** Adds or subtracts 1..35, wrapping. */
export function bigAdd(w: BigIntWork, r: RandomSource): boolean {
  const d = BigInt(1 + r.below(35));
  return setBig(w, w.wrap(r.bool() ? w.value + d : w.value - d));
}
/** A boundary (min, max, 0, ±1, ±2^k, ±2^k±1) or one of Go's interesting 32-bit values, in range. */
export function bigInteresting(w: BigIntWork, r: RandomSource): boolean {
  return setBig(w, w.interesting[r.below(w.interesting.length)]);
}
/** 64 uniformly random bits. */
export function bigRandom(w: BigIntWork, r: RandomSource): boolean {
  return setBig(w, w.wrap(random64(r)));
}
/** Random of small magnitude: below 2^k for a random k in 0..64, negated half the time if signed. */
export function bigRandomBits(w: BigIntWork, r: RandomSource): boolean {
  const v = random64(r) & ((1n << BigInt(r.below(65))) - 1n);
  return setBig(w, w.wrap(w.signed && r.bool() ? -v : v));
}
/** Flips one of the 64 bits. */
export function bigBitFlip(w: BigIntWork, r: RandomSource): boolean {
  return setBig(w, w.wrap(w.value ^ (1n << BigInt(r.below(64)))));
}
/** Two's-complement negation. */
export function bigNegate(w: BigIntWork, _r: RandomSource): boolean {
  return setBig(w, w.wrap(-w.value));
}
/** Reverses the byte order of the 64-bit pattern. */
export function bigByteSwap(w: BigIntWork, _r: RandomSource): boolean {
  let u = BigInt.asUintN(64, w.value);
  let out = 0n;
  for (let i = 0; i < 8; i++, u >>= 8n) out = (out << 8n) | (u & 0xffn);
  return setBig(w, w.wrap(out));
}
/** Shifts left or right (arithmetic for int64) by 1..63, wrapping. */
export function bigShift(w: BigIntWork, r: RandomSource): boolean {
  const k = BigInt(1 + r.below(63));
  return setBig(w, w.wrap(r.bool() ? w.value << k : w.value >> k));
}
/** This argument's value in another corpus entry. */
export function bigSplice(w: BigIntWork, r: RandomSource): boolean {
  return w.donors.length > 0 && setBig(w, w.donors[r.below(w.donors.length)]);
}
/** An integer read from a dictionary token. */
export function bigToken(w: BigIntWork, r: RandomSource): boolean {
  return w.tokens.length > 0 && setBig(w, w.tokens[r.below(w.tokens.length)]);
}

export type BigIntMutator = (w: BigIntWork, r: RandomSource) => boolean;
export const BIGINT_MUTATORS: readonly BigIntMutator[] = [
  bigAdd, bigAdd, bigInteresting, bigRandom, bigRandomBits, bigBitFlip, bigNegate, bigByteSwap, bigShift,
];

const DECIMAL = /^[-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?|0x[0-9a-f]+)$/i;

/**
 * Numbers a dictionary suggests: tokens that read as a number in ASCII ("1234", "-5", "0x7f",
 * "1.5e3"), and tokens of 1, 2, 4 or 8 bytes read as integers (unsigned and signed, both byte
 * orders). Integers come back as bigints (exact), other numbers as doubles; in token order.
 */
export function dictionaryNumbers(tokens: readonly Uint8Array[]): { ints: bigint[]; floats: number[] } {
  const ints = new Set<bigint>();
  const floats = new Set<number>();
  for (const t of tokens) {
    const text = t.length <= 64 ? String.fromCharCode(...t) : '';
    if (DECIMAL.test(text)) {
      const neg = text.startsWith('-');
      const body = text.replace(/^[-+]/, '');
      const v = Number(body) * (neg ? -1 : 1);
      if (Number.isFinite(v)) floats.add(v);
      if (/^(\d+|0x[0-9a-f]+)$/i.test(body)) ints.add(neg ? -BigInt(body) : BigInt(body));
    }
    if (t.length === 1 || t.length === 2 || t.length === 4 || t.length === 8) {
      for (const be of [false, true]) {
        let u = 0n;
        for (let i = 0; i < t.length; i++) u = (u << 8n) | BigInt(t[be ? i : t.length - 1 - i]);
        ints.add(u).add(BigInt.asIntN(t.length * 8, u));
      }
    }
  }
  return { ints: [...ints], floats: [...floats] };
}
