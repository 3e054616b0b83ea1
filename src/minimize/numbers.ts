/**
 * Integer shrinkers: number-valued integer kinds and the bigint kinds (int64, uint64).
 * Called by minimize.ts in its integer phase, after every argument was tried at its zero value.
 * Rule: every candidate is inside the kind's range and strictly nearer 0 (or the positive twin of
 * a negative value), so `x > 1000` from any start ends at exactly 1001 in ~log2|x| tries.
 */

import { BIGINT_RANGE, INT_RANGE, type BigIntKindName, type IntKindName } from '../values/kinds.js';
import { smallestAccepted, type Shrinker } from './search.js';

/**
 * 0, then -x for a negative x (positive is simpler at equal magnitude), then the smallest
 * accepted magnitude in [1, |x|) with the same sign (bisection; see smallestAccepted).
 */
function* shrinkMagnitude<T extends number | bigint>(x: bigint, max: bigint, out: (v: bigint) => T): Shrinker<T> {
  if (x === 0n) return;
  if (yield out(0n)) return;
  if (x < 0n && -x <= max && (yield out(-x))) x = -x;
  const sign = x < 0n ? -1n : 1n;
  yield* smallestAccepted(1n, x * sign, (k) => out(sign * k));
}

/** Shrinks an int8 … uint32 value toward 0. */
export function shrinkInt(kind: IntKindName, x: number): Shrinker<number> {
  return shrinkMagnitude(BigInt(x), BigInt(INT_RANGE[kind][1]), (v) => Number(v));
}

/** Shrinks an int64 or uint64 value toward 0n. */
export function shrinkBigInt(kind: BigIntKindName, x: bigint): Shrinker<bigint> {
  return shrinkMagnitude(x, BIGINT_RANGE[kind][1], (v) => v);
}
