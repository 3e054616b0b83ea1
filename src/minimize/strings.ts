/**
 * String shrinkers: the sequence shrinkers of sequence.ts over the code points of a string.
 * Called by minimize.ts in its size and simplify phases.
 * Rule: a surrogate pair is one unit, so it is never split; a lone surrogate only ever becomes
 * ASCII or a surrogate of its own half (high stays high, low stays low), so no new lone
 * surrogate appears in a string that had none.
 */

import { asciiTargets, shrinkUnits, simplifyUnits, type UnitSimplifier } from './sequence.js';
import type { Shrinker } from './search.js';

/** Code points of `s`; a lone surrogate is one element of its own value. */
export function toCodePoints(s: string): Uint32Array {
  const out = new Uint32Array(s.length);
  let n = 0;
  for (let i = 0; i < s.length;) {
    const c = s.codePointAt(i)!;
    out[n++] = c;
    i += c > 0xffff ? 2 : 1;
  }
  return out.slice(0, n);
}

/** The inverse of toCodePoints (in chunks: spreading a huge array would overflow the stack). */
export function fromCodePoints(cps: Uint32Array): string {
  let s = '';
  for (let i = 0; i < cps.length; i += 4096) s += String.fromCodePoint(...cps.subarray(i, i + 4096));
  return s;
}

/** Non-surrogate code points ≥ 0x80 numbered densely (the 0x800 surrogates skipped). */
const SKIP = 0xe000 - 0xd800;
const dense = (cp: number) => (cp < 0xd800 ? cp : cp - SKIP);
const undense = (k: number) => (k < 0xd800 ? k : k + SKIP);

const CODE_POINTS: UnitSimplifier = {
  targets: asciiTargets,
  range(cp) {
    if (cp >= 0xd800 && cp <= 0xdbff) return cp > 0xd800 ? [0xd800, cp, (k) => k] : undefined;
    if (cp >= 0xdc00 && cp <= 0xdfff) return cp > 0xdc00 ? [0xdc00, cp, (k) => k] : undefined;
    return cp > 0x80 ? [0x80, dense(cp), undense] : undefined;
  },
};

/** Size phase: tail cut, head cut, '0' filler, chunk removal — by code point. */
export function shrinkString(v: string): Shrinker<string> {
  return shrinkUnits(toCodePoints(v), fromCodePoints);
}

/** Simplify phase: code points toward '0', 'a', ' ', '1', 'A', NUL, lowercase, then smaller ones. */
export function simplifyString(v: string): Shrinker<string> {
  return simplifyUnits(toCodePoints(v), fromCodePoints, CODE_POINTS);
}
