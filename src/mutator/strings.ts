/**
 * String mutations on UTF-16 code units. Most keep the string well-formed: their positions and
 * lengths are moved to code-point boundaries and they insert whole code points. A few (marked
 * "code-unit level") ignore boundaries and can leave lone surrogates, so those get tested too.
 *
 * args.ts draws them from `stringsTable` with `mutateWith`. Rule: `w.len ≤ w.max` after every
 * call, and the outcome depends only on the content, `w.max` and the random draws.
 */

import type { RandomSource } from '../util/rng.js';
import { chooseLen, closeGap, duplicateWithin, openGap, otherPos, swapRanges, type StringWork } from './common.js';
import {
  clipPairStr, CODE_POINT_CLASSES, copyFromString, INTERESTING_UNITS, isHigh, isLow, putCodePoint,
  randomCodePoint, replaceRange, scratch16, snapDown, snapDownStr, snapUp, unitsOf,
} from './unicode.js';

export type StringMutator = (w: StringWork, r: RandomSource) => boolean;

/**
 * Removes whole code points: from a code-point start, chooseLen(len−pos) units, end moved forward
 * to a boundary. Needs len ≥ 2.
 */
export function stringsRemove(w: StringWork, r: RandomSource): boolean {
  const len = w.len;
  if (len < 2) return false;
  const pos = snapDown(w.buf, len, r.below(len));
  const end = snapUp(w.buf, len, pos + chooseLen(r, len - pos));
  closeGap(w, pos, end - pos);
  return true;
}

/**
 * Inserts chooseLen(min(room,16)) code points of one random class (see randomCodePoint) at a
 * boundary; stops before exceeding max.
 */
export function stringsInsertCodePoints(w: StringWork, r: RandomSource): boolean {
  const room = w.max - w.len;
  if (room < 1) return false;
  const pos = snapDown(w.buf, w.len, r.below(w.len + 1));
  const cls = r.below(CODE_POINT_CLASSES);
  const k = chooseLen(r, room < 16 ? room : 16);
  const tmp = scratch16(2 * k);
  let n = 0;
  for (let i = 0; i < k; i++) {
    const cp = randomCodePoint(r, cls);
    if (n + unitsOf(cp) > room) break;
    n += putCodePoint(tmp, n, cp);
  }
  if (n === 0) return false;
  replaceRange(w, pos, 0, tmp, 0, n);
  return true;
}

/** Replaces one whole code point by a random one (any class); the length may change by ±1. */
export function stringsReplaceCodePoint(w: StringWork, r: RandomSource): boolean {
  const len = w.len;
  if (len < 1) return false;
  const pos = snapDown(w.buf, len, r.below(len));
  const m = snapUp(w.buf, len, pos + 1) - pos;
  const cp = randomCodePoint(r, r.below(CODE_POINT_CLASSES));
  const n = unitsOf(cp);
  if (len - m + n > w.max) return false;
  const tmp = scratch16(2);
  putCodePoint(tmp, 0, cp);
  replaceRange(w, pos, m, tmp, 0, n);
  return true;
}

/**
 * Code-unit level: inserts chooseLen(min(room,1024)) arbitrary code units (¼ of them surrogates)
 * anywhere, even inside a pair.
 */
export function stringsInsertUnits(w: StringWork, r: RandomSource): boolean {
  const room = w.max - w.len;
  if (room < 1) return false;
  const pos = r.below(w.len + 1);
  const n = chooseLen(r, room < 1024 ? room : 1024);
  openGap(w, pos, n);
  for (let i = 0; i < n; i++) w.buf[pos + i] = r.below(4) === 0 ? 0xd800 + r.below(0x800) : r.below(0x10000);
  return true;
}

/**
 * Inserts a copy of a whole-code-point range at a boundary (Go DuplicateBytes on code points).
 * Fails if the snapped range exceeds the room.
 */
export function stringsDuplicate(w: StringWork, r: RandomSource): boolean {
  const len = w.len;
  const room = w.max - len;
  if (len < 1 || room < 1) return false;
  const src = snapDown(w.buf, len, r.below(len));
  const n = snapUp(w.buf, len, src + chooseLen(r, Math.min(len - src, room))) - src;
  const dst = snapDown(w.buf, len, r.below(len + 1));
  if (n > room) return false;
  duplicateWithin(w, src, n, dst);
  return true;
}

/**
 * Overwrites the code points at dst with a copy of the range at src (whole code points; the length
 * may change by one unit).
 */
export function stringsCopy(w: StringWork, r: RandomSource): boolean {
  const len = w.len;
  if (len < 2) return false;
  const buf = w.buf;
  const src = snapDown(buf, len, r.below(len));
  const dst = snapDown(buf, len, otherPos(r, len, src));
  const n = snapUp(buf, len, src + chooseLen(r, len - src)) - src;
  if (dst === src) return false;
  const m = snapUp(buf, len, Math.min(dst + n, len)) - dst;
  if (len - m + n > w.max) return false;
  const tmp = scratch16(n);
  for (let i = 0; i < n; i++) tmp[i] = buf[src + i];
  replaceRange(w, dst, m, tmp, 0, n);
  return true;
}

/**
 * Swaps two non-overlapping whole-code-point ranges (Go SwapBytes; the ranges may differ by one
 * unit).
 */
export function stringsSwapRanges(w: StringWork, r: RandomSource): boolean {
  const len = w.len;
  if (len < 2) return false;
  const buf = w.buf;
  const p = r.below(len);
  const q = otherPos(r, len, p);
  const a = snapDown(buf, len, p < q ? p : q);
  const b = snapDown(buf, len, p < q ? q : p);
  const bn = snapUp(buf, len, b + chooseLen(r, len - b)) - b;
  if (a === b) return false;
  let an = snapDown(buf, len, a + Math.min(bn, b - a)) - a;
  if (an === 0) an = snapUp(buf, len, a + 1) - a;
  swapRanges(buf, a, an, b, bn);
  return true;
}

/** Code-unit level: Fisher–Yates shuffle of chooseLen(len−pos) ≥ 2 units at pos in 0..len−2. */
export function stringsShuffle(w: StringWork, r: RandomSource): boolean {
  if (w.len < 2) return false;
  const pos = r.below(w.len - 1);
  const n = chooseLen(r, w.len - pos);
  if (n < 2) return false;
  const buf = w.buf;
  for (let i = n - 1; i > 0; i--) {
    const j = r.below(i + 1);
    const t = buf[pos + i];
    buf[pos + i] = buf[pos + j];
    buf[pos + j] = t;
  }
  return true;
}

/** Code-unit level: swaps two code units at distinct positions. */
export function stringsSwapUnits(w: StringWork, r: RandomSource): boolean {
  const len = w.len;
  if (len < 2) return false;
  const a = r.below(len);
  const b = otherPos(r, len, a);
  const t = w.buf[a];
  w.buf[a] = w.buf[b];
  w.buf[b] = t;
  return true;
}

/** Code-unit level: flips one of the 16 bits of one code unit. */
export function stringsBitFlip(w: StringWork, r: RandomSource): boolean {
  if (w.len < 1) return false;
  const pos = r.below(w.len);
  w.buf[pos] ^= 1 << r.below(16);
  return true;
}

/** Code-unit level: adds or subtracts 1..35 to one code unit (mod 2^16): 'a' → 'c', '0' → '7'. */
export function stringsArith(w: StringWork, r: RandomSource): boolean {
  if (w.len < 1) return false;
  const pos = r.below(w.len);
  const v = 1 + r.below(35);
  w.buf[pos] += r.bool() ? v : -v;
  return true;
}

/**
 * Code-unit level: one code unit := an INTERESTING_UNITS value (0, 0x7f, 0x80, surrogates, BOM,
 * 0xffff…).
 */
export function stringsInteresting(w: StringWork, r: RandomSource): boolean {
  if (w.len < 1) return false;
  const pos = r.below(w.len);
  w.buf[pos] = INTERESTING_UNITS[r.below(INTERESTING_UNITS.length)];
  return true;
}

/** Fills tmp with `count` copies of cp; returns the units written. */
function repeatCodePoint(cp: number, count: number): number {
  const u = unitsOf(cp);
  const tmp = scratch16(count * u);
  for (let i = 0; i < count; i++) putCodePoint(tmp, i * u, cp);
  return count * u;
}

/**
 * Go InsertConstantBytes on code points: at a boundary, inserts a run of one random code point,
 * about chooseLen(min(room,4096)) units long.
 */
export function stringsInsertConstant(w: StringWork, r: RandomSource): boolean {
  const room = w.max - w.len;
  if (room < 1) return false;
  const pos = snapDown(w.buf, w.len, r.below(w.len + 1));
  const cp = randomCodePoint(r, r.below(CODE_POINT_CLASSES));
  const count = Math.floor(chooseLen(r, room < 4096 ? room : 4096) / unitsOf(cp));
  if (count === 0) return false;
  const n = repeatCodePoint(cp, count);
  replaceRange(w, pos, 0, scratch16(n), 0, n);
  return true;
}

/**
 * Go OverwriteConstantBytes on code points: from a boundary, overwrites about chooseLen(len−pos)
 * units with a run of one code point.
 */
export function stringsOverwriteConstant(w: StringWork, r: RandomSource): boolean {
  const len = w.len;
  if (len < 1) return false;
  const pos = snapDown(w.buf, len, r.below(len));
  const k = chooseLen(r, len - pos);
  const cp = randomCodePoint(r, r.below(CODE_POINT_CLASSES));
  const count = Math.max(1, Math.floor(k / unitsOf(cp)));
  const n = count * unitsOf(cp);
  const m = snapUp(w.buf, len, Math.min(pos + n, len)) - pos;
  if (len - m + n > w.max) return false;
  repeatCodePoint(cp, count);
  replaceRange(w, pos, m, scratch16(n), 0, n);
  return true;
}

/** Inserts a dictionary token (UTF-8-decoded) at a boundary, if it fits. */
export function stringsInsertToken(w: StringWork, r: RandomSource): boolean {
  if (w.tokens.length === 0) return false;
  const t = w.tokens[r.below(w.tokens.length)];
  if (t.length > w.max - w.len) return false;
  const pos = snapDown(w.buf, w.len, r.below(w.len + 1));
  replaceRange(w, pos, 0, t, 0, t.length);
  return true;
}

/**
 * Overwrites the code points at a boundary (0 when empty) with a dictionary token, extending past
 * the end if needed; fails beyond max.
 */
export function stringsOverwriteToken(w: StringWork, r: RandomSource): boolean {
  if (w.tokens.length === 0) return false;
  const t = w.tokens[r.below(w.tokens.length)];
  const len = w.len;
  const pos = len > 0 ? snapDown(w.buf, len, r.below(len)) : 0;
  const m = snapUp(w.buf, len, Math.min(pos + t.length, len)) - pos;
  if (len - m + t.length > w.max) return false;
  replaceRange(w, pos, m, t, 0, t.length);
  return true;
}

/**
 * Splice: inserts at a boundary a whole-code-point chunk of another corpus entry's string, about
 * chooseLen(min(rest, room)) units.
 */
export function stringsSpliceInsert(w: StringWork, r: RandomSource): boolean {
  const room = w.max - w.len;
  if (w.donors.length === 0 || room < 1) return false;
  const d = w.donors[r.below(w.donors.length)];
  const s = snapDownStr(d, r.below(d.length));
  let n = clipPairStr(d, s, chooseLen(r, Math.min(d.length - s, room)));
  if (n === 0) n = 2; // a single unit that starts a pair: take the pair
  if (n > room) return false;
  const pos = snapDown(w.buf, w.len, r.below(w.len + 1));
  openGap(w, pos, n);
  copyFromString(w.buf, pos, d, s, n);
  return true;
}

/**
 * Crossover: keeps this string's prefix up to a boundary and appends another entry's suffix from a
 * boundary, cut at max (never between a pair's halves).
 */
export function stringsCrossover(w: StringWork, r: RandomSource): boolean {
  if (w.donors.length === 0) return false;
  const d = w.donors[r.below(w.donors.length)];
  const a = snapDown(w.buf, w.len, r.below(w.len + 1));
  const s = snapDownStr(d, r.below(d.length));
  const n = clipPairStr(d, s, Math.min(d.length - s, w.max - a));
  if (n <= 0) return false;
  w.ensure(a + n);
  copyFromString(w.buf, a, d, s, n);
  w.len = a + n;
  return true;
}

/**
 * Position of the first unit c in [start, start+64) with lo ≤ (c | mask) ≤ hi, from a random start;
 * −1 if none.
 */
function scan(w: StringWork, r: RandomSource, lo: number, hi: number, mask: number): number {
  const start = r.below(w.len);
  const end = Math.min(w.len, start + 64);
  for (let p = start; p < end; p++) {
    const c = w.buf[p] | mask;
    if (c >= lo && c <= hi) return p;
  }
  return -1;
}

/** Replaces an ASCII digit (the first within 64 units of a random start) by a different digit. */
export function stringsAsciiDigit(w: StringWork, r: RandomSource): boolean {
  if (w.len < 1) return false;
  const p = scan(w, r, 0x30, 0x39, 0);
  if (p < 0) return false;
  w.buf[p] = 0x30 + otherPos(r, 10, w.buf[p] - 0x30);
  return true;
}

/** Toggles the case of an ASCII letter (the first within 64 units of a random start). */
export function stringsAsciiCase(w: StringWork, r: RandomSource): boolean {
  if (w.len < 1) return false;
  const p = scan(w, r, 0x61, 0x7a, 0x20);
  if (p < 0) return false;
  w.buf[p] ^= 0x20;
  return true;
}

/** Truncates to a random code-point boundary below len. */
export function stringsTruncate(w: StringWork, r: RandomSource): boolean {
  if (w.len < 1) return false;
  w.len = snapDown(w.buf, w.len, r.below(w.len));
  return true;
}

/**
 * Well-formedness-preserving mutations (the code-point inserts/replaces appear twice: they are the
 * main source of new characters).
 */
export const STRINGS_VALID_MUTATORS: readonly StringMutator[] = [
  stringsRemove, stringsInsertCodePoints, stringsInsertCodePoints, stringsReplaceCodePoint,
  stringsReplaceCodePoint, stringsDuplicate, stringsCopy, stringsSwapRanges, stringsInsertConstant,
  stringsOverwriteConstant, stringsAsciiDigit, stringsAsciiCase, stringsTruncate,
];
/** Code-unit level mutations (may split pairs or add lone surrogates). */
export const STRINGS_UNIT_MUTATORS: readonly StringMutator[] = [
  stringsInsertUnits, stringsShuffle, stringsSwapUnits, stringsBitFlip, stringsArith, stringsInteresting,
];
export const STRINGS_TOKEN_MUTATORS: readonly StringMutator[] = [stringsInsertToken, stringsOverwriteToken];
export const STRINGS_SPLICE_MUTATORS: readonly StringMutator[] = [stringsSpliceInsert, stringsCrossover];
export const STRINGS_GROW_MUTATORS: readonly StringMutator[] = [
  stringsInsertCodePoints, stringsInsertCodePoints, stringsInsertConstant, stringsInsertUnits,
];

/** The table drawn from uniformly (see bytesTable). */
const stringsTables: StringMutator[][] = [];
export function stringsTable(hasTokens: boolean, hasDonors: boolean, grow: boolean): readonly StringMutator[] {
  const k = (hasTokens ? 1 : 0) | (hasDonors ? 2 : 0) | (grow ? 4 : 0);
  return (stringsTables[k] ??= [
    ...(grow ? STRINGS_GROW_MUTATORS : [...STRINGS_VALID_MUTATORS, ...STRINGS_UNIT_MUTATORS]),
    ...(hasTokens ? STRINGS_TOKEN_MUTATORS : []),
    ...(hasDonors ? STRINGS_SPLICE_MUTATORS : []),
  ]);
}

/** True when buf[0..len) has no lone surrogate. */
export function isWellFormed(buf: Uint16Array, len: number): boolean {
  for (let i = 0; i < len; i++) {
    const c = buf[i];
    if (isHigh(c)) {
      if (i + 1 >= len || !isLow(buf[i + 1])) return false;
      i++;
    } else if (isLow(c)) return false;
  }
  return true;
}
