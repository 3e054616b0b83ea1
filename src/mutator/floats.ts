/**
 * Mutations of float64/float32 and bool arguments, on one-value states (`FloatWork`, `BoolWork`).
 *
 * args.ts draws them with `mutateWith`; a mutation returns false when it would not change
 * the value (Object.is). Rule: a float32 result always satisfies Math.fround(x) === x or is NaN,
 * and NaN payloads never influence anything (a NaN input is read as the canonical quiet NaN).
 */

import type { RandomSource } from '../util/rng.js';

const F32_MAX = 3.4028234663852886e38;
/**
 * Special and boundary doubles: NaN, ±Infinity, ±0, ±1, subnormal and normal minima, maxima, 2^53
 * neighbours, values whose text form changes.
 */
const FLOAT_INTERESTING: readonly number[] = [
  NaN, Infinity, -Infinity, -0, 0, 1, -1, Number.MIN_VALUE, 2 ** -149, 2 ** -1022, 2 ** -126,
  Number.MAX_VALUE, F32_MAX, -Number.MAX_VALUE, -F32_MAX, 0.1, 0.5, -0.5, 1e-7, 1e-6, 1e21, 1e20,
  Number.EPSILON, 2 ** 53 - 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53 - 1), 2 ** 24, 2 ** 24 + 1, 2 ** 31,
  2 ** 32, -(2 ** 31), 255, 256, 65535, 65536, 0.30000000000000004, 1 / 3, Math.PI,
];

const scratchBuf = new ArrayBuffer(8);
const dv = new DataView(scratchBuf);
const bytes8 = new Uint8Array(scratchBuf);

/** State of one float argument. */
export class FloatWork {
  value = 0;
  readonly interesting: readonly number[];
  donors: readonly number[] = [];
  tokens: readonly number[] = [];
  cmpValues: readonly number[] = [];
  cmpPairs: readonly (readonly [number, number])[] = [];

  constructor(readonly f32: boolean) {
    this.interesting = f32 ? FLOAT_INTERESTING.map(Math.fround) : FLOAT_INTERESTING;
  }
}

function setFloat(w: FloatWork, v: number): boolean {
  if (w.f32) v = Math.fround(v);
  if (Object.is(v, w.value)) return false;
  w.value = v;
  return true;
}

/** Adds or subtracts an integer 1..35. */
export function floatAdd(w: FloatWork, r: RandomSource): boolean {
  const d = 1 + r.below(35);
  return setFloat(w, r.bool() ? w.value + d : w.value - d);
}
/** Multiplies or divides by 2..10. */
export function floatMulDiv(w: FloatWork, r: RandomSource): boolean {
  const f = 2 + r.below(9);
  return setFloat(w, r.bool() ? w.value * f : w.value / f);
}
/** A special or boundary value (NaN, ±Infinity, -0, MIN_VALUE, float32 extremes, 0.1, 2^53±1…). */
export function floatInteresting(w: FloatWork, r: RandomSource): boolean {
  return setFloat(w, w.interesting[r.below(w.interesting.length)]);
}
/** Flips one bit of the IEEE 754 pattern (64 or 32 bits; bit 0 = lowest mantissa bit). */
export function floatBitFlip(w: FloatWork, r: RandomSource): boolean {
  const v = w.value;
  const width = w.f32 ? 4 : 8;
  if (v !== v) {
    dv.setUint32(0, 0, true);
    if (w.f32) dv.setUint32(0, 0x7fc00000, true);
    else dv.setUint32(4, 0x7ff80000, true);
  } else if (w.f32) {
    dv.setFloat32(0, v, true);
  } else {
    dv.setFloat64(0, v, true);
  }
  const b = r.below(width * 8);
  bytes8[b >> 3] ^= 1 << (b & 7);
  return setFloat(w, w.f32 ? dv.getFloat32(0, true) : dv.getFloat64(0, true));
}
/** Rounds to an integer: Math.round, floor, ceil or trunc. */
export function floatRound(w: FloatWork, r: RandomSource): boolean {
  const v = w.value;
  const k = r.below(4);
  return setFloat(w, k === 0 ? Math.round(v) : k === 1 ? Math.floor(v) : k === 2 ? Math.ceil(v) : Math.trunc(v));
}
/** Flips the sign. */
export function floatNegate(w: FloatWork, _r: RandomSource): boolean {
  return setFloat(w, -w.value);
}
/** A uniformly random bit pattern (any class of value, NaN included). */
export function floatRandomBits(w: FloatWork, r: RandomSource): boolean {
  if (w.f32) {
    dv.setUint32(0, r.u32(), true);
    return setFloat(w, dv.getFloat32(0, true));
  }
  dv.setUint32(0, r.u32(), true);
  dv.setUint32(4, r.u32(), true);
  return setFloat(w, dv.getFloat64(0, true));
}
/** A random ordinary number: ±[0,1) × 2^k, k in −40..39, or a random integer below 2^k (k in 0..32). */
export function floatRandomSmall(w: FloatWork, r: RandomSource): boolean {
  const neg = r.bool();
  let v: number;
  if (r.bool()) {
    v = r.float() * 2 ** (r.below(80) - 40);
  } else {
    const k = r.below(33);
    v = k === 0 ? 0 : r.u32() >>> (32 - k);
  }
  return setFloat(w, neg ? -v : v);
}
/** This argument's value in another corpus entry. */
export function floatSplice(w: FloatWork, r: RandomSource): boolean {
  return w.donors.length > 0 && setFloat(w, w.donors[r.below(w.donors.length)]);
}
/** A number read from a dictionary token (see dictionaryNumbers). */
export function floatToken(w: FloatWork, r: RandomSource): boolean {
  return w.tokens.length > 0 && setFloat(w, w.tokens[r.below(w.tokens.length)]);
}

export type FloatMutator = (w: FloatWork, r: RandomSource) => boolean;
export const FLOAT_MUTATORS: readonly FloatMutator[] = [
  floatAdd, floatAdd, floatMulDiv, floatInteresting, floatInteresting, floatBitFlip, floatRound,
  floatNegate, floatRandomBits, floatRandomSmall,
];

/** State of one bool argument. */
export class BoolWork {
  value = false;
}

/** Flips the value (the only bool mutation, so every step changes it). */
export function boolFlip(w: BoolWork, _r: RandomSource): boolean {
  w.value = !w.value;
  return true;
}
