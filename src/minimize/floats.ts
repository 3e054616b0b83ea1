/**
 * Float shrinker (float64, float32): toward 0, a finite value, integers, fewer significant
 * digits, smaller digits and a decimal exponent nearer 0. Called by minimize.ts in its float phase.
 * Rule: every candidate of a float32 argument goes through Math.fround, and each is meant to be
 * simpler in order.ts's float order (the driver drops any that is not).
 */

import { floatDecimal, type Decimal } from './order.js';
import { smallestAccepted, type Shrinker } from './search.js';

/** The number d × 10^k written in decimal (d a digit string or bigint), with `d`'s sign. */
function dec(neg: boolean, d: string | bigint, k: number): number {
  return Number(`${neg ? '-' : ''}${d}e${k}`);
}

/**
 * Shrinks a float:
 * 1. 0; from NaN or ±Infinity: 1, -1, a large finite value, then Infinity, -Infinity;
 * 2. -x for a negative x; Math.trunc, Math.round;
 * 3. fewer digits: for p = 1, 2, ... the p-digit truncation of x and the next p-digit value up
 *    (restarting after each success), so 1.7234567891234 under `1.5 < x < 2` becomes 1.7;
 * 4. smaller digits at the same exponent (bisection: 1.7 → 1.6);
 * 5. exponent nearer 0 (bisection): 1e6 under `x > 1000` → 9e3 (and step 4 next pass → 2e3).
 */
export function* shrinkFloat(f32: boolean, x: number): Shrinker<number> {
  const r = f32 ? Math.fround : (v: number) => v;
  if (Object.is(x, 0)) return;
  if (yield 0) return;
  if (Object.is(x, -0)) return;
  if (!Number.isFinite(x)) {
    const big = f32 ? 3e38 : 1e308;
    for (const c of [1, -1, big, -big, Infinity, -Infinity]) {
      if (!Object.is(c, x) && (yield r(c))) { x = r(c); break; }
    }
    if (!Number.isFinite(x)) return;
  }
  if (x < 0 && (yield -x)) x = -x;
  for (const c of [Math.trunc(x), Math.round(x)]) {
    if (c !== x && (yield r(c))) { x = r(c); break; }
  }
  if (x === 0) return;

  // 3. Fewer significant digits.
  let d: Decimal = floatDecimal(x, f32);
  retry: for (let p = 1; p < d.digits.length; p++) {
    const t = d.digits.slice(0, p);
    const k = d.exp - p + 1;
    for (const c of [dec(d.neg, t, k), dec(d.neg, BigInt(t) + 1n, k)]) {
      if (Number.isFinite(c) && r(c) !== x && (yield r(c))) {
        x = r(c);
        d = floatDecimal(x, f32);
        p = 0;
        continue retry;
      }
    }
  }

  // 4. Smaller digits, same count and exponent.
  const p = d.digits.length;
  const k = d.exp - p + 1;
  const D = BigInt(d.digits);
  const best = yield* smallestAccepted(10n ** BigInt(p - 1), D, (m) => r(dec(d.neg, m, k)));
  if (best !== D) { x = r(dec(d.neg, best, k)); d = floatDecimal(x, f32); }

  // 5. Exponent nearer 0: p nines for a large value (magnitude down), 1 for a small one.
  if (d.exp === 0) return;
  const e = Math.abs(d.exp);
  const s = Math.sign(d.exp);
  const nines = '9'.repeat(d.digits.length);
  yield* smallestAccepted(0n, BigInt(e), (t) =>
    r(s > 0 ? dec(d.neg, nines, Number(t) - nines.length + 1) : dec(d.neg, '1', -Number(t))));
}
