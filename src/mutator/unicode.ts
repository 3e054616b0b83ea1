/**
 * UTF-16 helpers for the string mutator: code-point boundaries, random code points from useful
 * classes, and a growable scratch buffer.
 *
 * Used by strings.ts. Rule: everything here is a pure function of its arguments and the random
 * draws (the scratch buffer's capacity never changes a result).
 */

import type { RandomSource } from '../util/rng.js';
import { copyUnits, moveUnits, type StringWork, type Units } from './common.js';

export const isHigh = (c: number): boolean => (c & 0xfc00) === 0xd800;
export const isLow = (c: number): boolean => (c & 0xfc00) === 0xdc00;

/** Moves i back to the start of the code point it is in (i in 0..len). */
export function snapDown(buf: Units, len: number, i: number): number {
  return i > 0 && i < len && isLow(buf[i]) && isHigh(buf[i - 1]) ? i - 1 : i;
}

/** Moves i forward to the end of the code point it is in (i in 0..len). */
export function snapUp(buf: Units, len: number, i: number): number {
  return i > 0 && i < len && isLow(buf[i]) && isHigh(buf[i - 1]) ? i + 1 : i;
}

/** snapDown on a JS string. */
export function snapDownStr(s: string, i: number): number {
  return i > 0 && i < s.length && isLow(s.charCodeAt(i)) && isHigh(s.charCodeAt(i - 1)) ? i - 1 : i;
}

/** Code units of one code point: 1 below U+10000, else 2. */
export const unitsOf = (cp: number): number => (cp >= 0x10000 ? 2 : 1);

/** Writes code point `cp` at buf[pos] (1 or 2 units); returns the units written. */
export function putCodePoint(buf: Units, pos: number, cp: number): number {
  if (cp < 0x10000) {
    buf[pos] = cp;
    return 1;
  }
  const v = cp - 0x10000;
  buf[pos] = 0xd800 | (v >>> 10);
  buf[pos + 1] = 0xdc00 | (v & 0x3ff);
  return 2;
}

const SPECIAL = '"<>&\\/{}[]\'`~!@#$%^*()-_=+|;:,.?';
const SPACES = [
  0x00, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1b, 0x20, 0x7f, 0x85, 0xa0, 0x1680, 0x2000, 0x200b,
  0x200d, 0x2028, 0x2029, 0x202f, 0x3000, 0xfeff,
];
/**
 * Code points that often break text handling: case mappings that change length, combining marks,
 * bidi, non-characters, emoji.
 */
const TRICKY = [
  0xfffd, 0xfffe, 0xffff, 0x130, 0x131, 0xdf, 0x1e9e, 0xfb00, 0x345, 0x301, 0x308, 0x202e, 0x2060,
  0xe000, 0x10ffff, 0x1f600, 0x1f468, 0x1f1fa, 0x1d11e, 0x2126, 0x212a, 0x3c2, 0x390,
];

/**
 * A random code point from a random class (out of 16): ASCII printable 4, digits 2, special
 * punctuation `"<>&\/{}[]'…` 2, whitespace/control 2, ASCII letters 2, Latin-1 1, BMP (no
 * surrogates) 1, astral 1, tricky (case/combining/bidi/emoji) 1. Never a lone surrogate.
 */
export function randomCodePoint(r: RandomSource, cls: number): number {
  switch (cls) {
    case 0: case 1: case 2: case 3: return 0x20 + r.below(0x5f);
    case 4: case 5: return 0x30 + r.below(10);
    case 6: case 7: return SPECIAL.charCodeAt(r.below(SPECIAL.length));
    case 8: return SPACES[r.below(SPACES.length)];
    case 9: return r.below(0x20);
    case 10: case 11: return (r.bool() ? 0x41 : 0x61) + r.below(26);
    case 12: return 0x80 + r.below(0x80);
    case 13: {
      const c = 0x100 + r.below(0x10000 - 0x100 - 0x800);
      return c < 0xd800 ? c : c + 0x800;
    }
    case 14: return 0x10000 + r.below(0x100000);
    default: return TRICKY[r.below(TRICKY.length)];
  }
}
export const CODE_POINT_CLASSES = 16;

/** Interesting lone code units (encoding boundaries, surrogates, BOM, non-characters). */
export const INTERESTING_UNITS: readonly number[] = [
  0, 0x7f, 0x80, 0xff, 0x100, 0x7ff, 0x800, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000,
  0xfeff, 0xfffd, 0xfffe, 0xffff,
];

let scratch = new Uint16Array(256);
/** A shared scratch array of at least n units (contents undefined). */
export function scratch16(n: number): Uint16Array {
  if (scratch.length < n) scratch = new Uint16Array(Math.max(n, scratch.length * 2));
  return scratch;
}

/** Copies s[from..from+n) into buf at pos. */
export function copyFromString(buf: Units, pos: number, s: string, from: number, n: number): void {
  for (let i = 0; i < n; i++) buf[pos + i] = s.charCodeAt(from + i);
}

/** Replaces w[pos..pos+m) by src[s..s+n) (src must not be w.buf; len − m + n ≤ max). */
export function replaceRange(w: StringWork, pos: number, m: number, src: Units, s: number, n: number): void {
  if (n > m) w.ensure(w.len + n - m);
  moveUnits(w.buf, pos + n, pos + m, w.len - pos - m);
  w.len += n - m;
  copyUnits(w.buf, pos, src, s, n);
}

/** The largest k ≤ n such that s[from..from+k) does not end between the halves of a surrogate pair. */
export function clipPairStr(s: string, from: number, n: number): number {
  const e = from + n;
  return n > 0 && e < s.length && isHigh(s.charCodeAt(e - 1)) && isLow(s.charCodeAt(e)) ? n - 1 : n;
}
