/**
 * The simplicity order minimization moves along, per kind and for whole tuples.
 * Called by minimize.ts (a candidate is tried only if strictly simpler than the current value)
 * and by the shrinkers (ranks, decimal forms). Rule: for every kind it is a strict total order
 * (two different values never compare equal) and a longer value is never simpler, so each
 * accepted step is progress, no value is accepted twice, and minimization always terminates.
 */

import { isBigIntKind, isFloatKind, isIntKind, valueSize, type Kind, type Value } from '../values/kinds.js';

/**
 * Rank of an ASCII unit (byte or code point < 128): lower is simpler. '0', 'a', ' ' first, then
 * digits, lowercase, uppercase, punctuation, '\n' '\t' '\r', NUL, other controls, DEL.
 */
const ASCII_RANK: Uint8Array = (() => {
  const order: number[] = [];
  const add = (c: number) => { if (!order.includes(c)) order.push(c); };
  for (const ch of '0a 123456789bcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ') add(ch.charCodeAt(0));
  for (let c = 0x21; c < 0x7f; c++) add(c);
  for (const c of [10, 9, 13, 0]) add(c);
  for (let c = 1; c < 0x20; c++) add(c);
  add(0x7f);
  if (order.length !== 128) throw new Error('ASCII_RANK is not a permutation');
  const rank = new Uint8Array(128);
  order.forEach((c, r) => { rank[c] = r; });
  return rank;
})();

/** The simplest unit: '0'. */
export const FILLER = 0x30;

/** Rank of a byte or code point: ASCII by ASCII_RANK, everything else by value (injective). */
export function unitRank(u: number): number {
  return u < 128 ? ASCII_RANK[u] : u;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return unitRank(a[i]) - unitRank(b[i]);
  return 0;
}

/** Length in UTF-16 units, then code point by code point (a surrogate pair is one code point). */
function compareStrings(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length;) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return unitRank(x) - unitRank(y);
    i += x > 0xffff ? 2 : 1;
  }
  return 0;
}

/** Integers: smaller magnitude first; at equal magnitude the positive one. */
function compareInts(a: number | bigint, b: number | bigint): number {
  const ka = a < 0 ? -2n * BigInt(a) + 1n : 2n * BigInt(a);
  const kb = b < 0 ? -2n * BigInt(b) + 1n : 2n * BigInt(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** A finite non-zero float as its shortest round-trip decimal: ±0.digits × 10^(exp+1). */
export interface Decimal {
  neg: boolean;
  /** Significant digits, no leading or trailing zeros. */
  digits: string;
  /** Scientific exponent: the value is d.ddd × 10^exp. */
  exp: number;
}

/** Shortest decimal of `x` (finite, non-zero) that reads back as `x` (as a float32 if `f32`). */
export function floatDecimal(x: number, f32: boolean): Decimal {
  const a = Math.abs(x);
  let s = a.toExponential();
  if (f32) {
    for (let p = 1; p <= 9; p++) {
      const t = a.toExponential(p - 1);
      if (Math.fround(Number(t)) === a) { s = t; break; }
    }
  }
  const e = s.indexOf('e');
  const digits = s.slice(0, e).replace('.', '').replace(/0+$/, '') || '0';
  return { neg: x < 0, digits, exp: Number(s.slice(e + 1)) };
}

/** +0, -0, finite, +Infinity, -Infinity, NaN. */
function floatClass(x: number): number {
  if (Object.is(x, 0)) return 0;
  if (Object.is(x, -0)) return 1;
  if (Number.isFinite(x)) return 2;
  if (x === Infinity) return 3;
  return x === -Infinity ? 4 : 5;
}

/** Distance of a decimal exponent from 0: 10^0 < 10^-1 < 10^1 < 10^-2 < ... */
function expCost(e: number): number {
  return e >= 0 ? 2 * e : -2 * e - 1;
}

/** Floats: class, then fewer significant digits, exponent nearer 0, smaller digits, positive. */
function compareFloats(a: number, b: number, f32: boolean): number {
  const ca = floatClass(a);
  const cb = floatClass(b);
  if (ca !== cb || ca !== 2 || a === b) return ca - cb;
  const da = floatDecimal(a, f32);
  const db = floatDecimal(b, f32);
  if (da.digits.length !== db.digits.length) return da.digits.length - db.digits.length;
  if (da.exp !== db.exp) return expCost(da.exp) - expCost(db.exp);
  if (da.digits !== db.digits) return da.digits < db.digits ? -1 : 1;
  return Number(da.neg) - Number(db.neg);
}

/** Compares two valid values of `kind`: negative if `a` is simpler, 0 only if they are equal. */
export function compareValue(kind: Kind, a: Value, b: Value): number {
  const k = kind.kind;
  if (k === 'bytes') return compareBytes(a as Uint8Array, b as Uint8Array);
  if (k === 'string') return compareStrings(a as string, b as string);
  if (k === 'bool') return Number(a) - Number(b);
  if (isFloatKind(k)) return compareFloats(a as number, b as number, k === 'float32');
  if (isIntKind(k) || isBigIntKind(k)) return compareInts(a as number | bigint, b as number | bigint);
  throw new TypeError(`compareValue: unknown kind ${String(k)}`);
}

/**
 * Compares two tuples of `kinds`: the smaller total size (bytes/string lengths) first, then the
 * first argument that differs by compareValue. Returns -1, 0 or 1.
 */
export function compareSimplicity(kinds: readonly Kind[], a: readonly Value[], b: readonly Value[]): number {
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < kinds.length; i++) { sa += valueSize(a[i]); sb += valueSize(b[i]); }
  if (sa !== sb) return sa < sb ? -1 : 1;
  for (let i = 0; i < kinds.length; i++) {
    const c = compareValue(kinds[i], a[i], b[i]);
    if (c !== 0) return c < 0 ? -1 : 1;
  }
  return 0;
}
