/**
 * Byte-slice mutations: Go's 18 `byteSliceMutators` (adapted, see each function) plus dictionary
 * tokens, splicing with other corpus entries, ASCII digit/case changes and truncation.
 *
 * Each function edits `w.buf[0..w.len)` in place and returns false, without touching anything, when
 * it does not apply. args.ts draws them from `bytesTable` with `mutateWith`. Rule: `w.len ≤ w.max`
 * after every call, and the outcome depends only on the content, `w.max` and the random draws.
 */

import type { RandomSource } from '../util/rng.js';
import {
  chooseLen, closeGap, copyUnits, duplicateWithin, fillUnits, INTERESTING16, INTERESTING32, INTERESTING8,
  moveUnits, openGap, otherPos, type BytesWork,
} from './common.js';

export type BytesMutator = (w: BytesWork, r: RandomSource) => boolean;

/** Go RemoveBytes: at pos, deletes chooseLen(len−pos) bytes. Needs len ≥ 2. */
export function bytesRemove(w: BytesWork, r: RandomSource): boolean {
  const len = w.len;
  if (len < 2) return false;
  const pos = r.below(len);
  closeGap(w, pos, chooseLen(r, len - pos));
  return true;
}

/** Fills `buf[pos..pos+n)` with random bytes, one `u32` per 4 bytes (little-endian order). */
function fillRandom(buf: Uint8Array, pos: number, n: number, r: RandomSource): void {
  for (let i = 0; i < n; i += 4) {
    let x = r.u32();
    const end = i + 4 < n ? i + 4 : n;
    for (let j = i; j < end; j++, x >>>= 8) buf[pos + j] = x & 255;
  }
}

/** Go InsertRandomBytes: at pos in 0..len, inserts chooseLen(min(1024, room)) random bytes. */
export function bytesInsertRandom(w: BytesWork, r: RandomSource): boolean {
  const room = w.max - w.len;
  if (room < 1) return false;
  const pos = r.below(w.len + 1);
  const n = chooseLen(r, room < 1024 ? room : 1024);
  openGap(w, pos, n);
  fillRandom(w.buf, pos, n, r);
  return true;
}

/** Go DuplicateBytes: inserts a copy of buf[src..src+n) at dst in 0..len. Needs len ≥ 1, room. */
export function bytesDuplicate(w: BytesWork, r: RandomSource): boolean {
  const len = w.len;
  const room = w.max - len;
  if (len < 1 || room < 1) return false;
  const src = r.below(len);
  const n = chooseLen(r, Math.min(len - src, room));
  duplicateWithin(w, src, n, r.below(len + 1));
  return true;
}

/** Go OverwriteBytes: copies buf[src..src+n) onto dst ≠ src (memmove), clipped at the end. */
export function bytesCopy(w: BytesWork, r: RandomSource): boolean {
  const len = w.len;
  if (len < 2) return false;
  const src = r.below(len);
  const dst = otherPos(r, len, src);
  const n = chooseLen(r, len - src);
  moveUnits(w.buf, dst, src, Math.min(n, len - dst));
  return true;
}

/** Go BitFlip: flips one random bit. */
export function bytesBitFlip(w: BytesWork, r: RandomSource): boolean {
  if (w.len < 1) return false;
  const pos = r.below(w.len);
  w.buf[pos] ^= 1 << r.below(8);
  return true;
}

/** Go XORByte: XORs one byte with 1..255. */
export function bytesXor(w: BytesWork, r: RandomSource): boolean {
  if (w.len < 1) return false;
  const pos = r.below(w.len);
  w.buf[pos] ^= 1 + r.below(255);
  return true;
}

/** Go SwapByte: swaps two bytes at distinct positions. Needs len ≥ 2. */
export function bytesSwapByte(w: BytesWork, r: RandomSource): boolean {
  const len = w.len;
  if (len < 2) return false;
  const a = r.below(len);
  const b = otherPos(r, len, a);
  const buf = w.buf;
  const t = buf[a];
  buf[a] = buf[b];
  buf[b] = t;
  return true;
}

/** Adds `delta` to the `width`-byte integer at pos (wrapping), little- or big-endian. */
export function addAt(buf: Uint8Array, pos: number, width: number, delta: number, bigEndian: boolean): void {
  let carry = delta;
  for (let i = 0; i < width && carry !== 0; i++) {
    const k = bigEndian ? pos + width - 1 - i : pos + i;
    const s = buf[k] + carry;
    buf[k] = s & 255;
    carry = s >> 8;
  }
}

/** Writes the low `width` bytes of `v` (two's complement) at pos. */
export function putAt(buf: Uint8Array, pos: number, width: number, v: number, bigEndian: boolean): void {
  for (let i = 0; i < width; i++, v >>= 8) buf[bigEndian ? pos + width - 1 - i : pos + i] = v & 255;
}

function arith(w: BytesWork, r: RandomSource, width: number): boolean {
  if (w.len < width) return false;
  const pos = r.below(w.len - width + 1);
  const v = 1 + r.below(35);
  const delta = r.bool() ? v : -v;
  addAt(w.buf, pos, width, delta, r.bool());
  return true;
}

/** Go ArithmeticUint8: adds or subtracts 1..35 to one byte (wrapping). */
export function bytesArith8(w: BytesWork, r: RandomSource): boolean {
  return arith(w, r, 1);
}
/** Go ArithmeticUint16: at a random offset, random byte order, ±1..35 (wrapping). Needs len ≥ 2. */
export function bytesArith16(w: BytesWork, r: RandomSource): boolean {
  return arith(w, r, 2);
}
/** Go ArithmeticUint32: as bytesArith16 on 4 bytes. */
export function bytesArith32(w: BytesWork, r: RandomSource): boolean {
  return arith(w, r, 4);
}
/** Go ArithmeticUint64: as bytesArith16 on 8 bytes (carry propagates through all 8). */
export function bytesArith64(w: BytesWork, r: RandomSource): boolean {
  return arith(w, r, 8);
}

/** Go OverwriteInterestingUint8: one byte := a value of INTERESTING8. */
export function bytesInteresting8(w: BytesWork, r: RandomSource): boolean {
  if (w.len < 1) return false;
  const pos = r.below(w.len);
  w.buf[pos] = INTERESTING8[r.below(INTERESTING8.length)] & 255;
  return true;
}

/** Go OverwriteInterestingUint16: 2 bytes := an INTERESTING16 value, random byte order. */
export function bytesInteresting16(w: BytesWork, r: RandomSource): boolean {
  if (w.len < 2) return false;
  const pos = r.below(w.len - 1);
  putAt(w.buf, pos, 2, INTERESTING16[r.below(INTERESTING16.length)], r.bool());
  return true;
}

/** Go OverwriteInterestingUint32: 4 bytes := an INTERESTING32 value, random byte order. */
export function bytesInteresting32(w: BytesWork, r: RandomSource): boolean {
  if (w.len < 4) return false;
  const pos = r.below(w.len - 3);
  putAt(w.buf, pos, 4, INTERESTING32[r.below(INTERESTING32.length)], r.bool());
  return true;
}

/** Go InsertConstantBytes: at pos in 0..len, inserts chooseLen(min(4096, room)) copies of a byte. */
export function bytesInsertConstant(w: BytesWork, r: RandomSource): boolean {
  const room = w.max - w.len;
  if (room < 1) return false;
  const pos = r.below(w.len + 1);
  const n = chooseLen(r, room < 4096 ? room : 4096);
  openGap(w, pos, n);
  fillUnits(w.buf, pos, n, r.below(256));
  return true;
}

/** Go OverwriteConstantBytes: from pos, overwrites chooseLen(len−pos) bytes with one byte. */
export function bytesOverwriteConstant(w: BytesWork, r: RandomSource): boolean {
  if (w.len < 1) return false;
  const pos = r.below(w.len);
  const n = chooseLen(r, w.len - pos);
  fillUnits(w.buf, pos, n, r.below(256));
  return true;
}

/** Go ShuffleBytes: Fisher–Yates shuffle of buf[pos..pos+n), n = chooseLen(len−pos) ≥ 2. */
export function bytesShuffle(w: BytesWork, r: RandomSource): boolean {
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

/**
 * Go SwapBytes: swaps two non-overlapping chunks of n bytes at distinct positions a < b,
 * n = chooseLen(len−b) clipped to b−a (Go rejects overlaps instead).
 */
export function bytesSwapRanges(w: BytesWork, r: RandomSource): boolean {
  const len = w.len;
  if (len < 2) return false;
  const p = r.below(len);
  const q = otherPos(r, len, p);
  const a = p < q ? p : q;
  const b = p < q ? q : p;
  const n = Math.min(chooseLen(r, len - b), b - a);
  const buf = w.buf;
  for (let i = 0; i < n; i++) {
    const t = buf[a + i];
    buf[a + i] = buf[b + i];
    buf[b + i] = t;
  }
  return true;
}

/** Inserts a random dictionary token at pos in 0..len, if it fits in the room left. */
export function bytesInsertToken(w: BytesWork, r: RandomSource): boolean {
  if (w.tokens.length === 0) return false;
  const t = w.tokens[r.below(w.tokens.length)];
  if (t.length > w.max - w.len) return false;
  const pos = r.below(w.len + 1);
  openGap(w, pos, t.length);
  copyUnits(w.buf, pos, t, 0, t.length);
  return true;
}

/**
 * Writes a random dictionary token at pos in 0..len−1 (0 when empty), extending the value if it
 * runs past the end; fails if it would exceed max.
 */
export function bytesOverwriteToken(w: BytesWork, r: RandomSource): boolean {
  if (w.tokens.length === 0) return false;
  const t = w.tokens[r.below(w.tokens.length)];
  const pos = w.len > 0 ? r.below(w.len) : 0;
  const end = pos + t.length;
  if (end > w.max) return false;
  if (end > w.len) {
    w.ensure(end);
    w.len = end;
  }
  copyUnits(w.buf, pos, t, 0, t.length);
  return true;
}

/**
 * Splice: inserts at pos in 0..len a chunk donor[s..s+n) of another corpus entry's value, n =
 * chooseLen(min(rest of donor, room)).
 */
export function bytesSpliceInsert(w: BytesWork, r: RandomSource): boolean {
  const room = w.max - w.len;
  if (w.donors.length === 0 || room < 1) return false;
  const d = w.donors[r.below(w.donors.length)];
  const s = r.below(d.length);
  const n = chooseLen(r, Math.min(d.length - s, room));
  const pos = r.below(w.len + 1);
  openGap(w, pos, n);
  copyUnits(w.buf, pos, d, s, n);
  return true;
}

/**
 * Crossover: keeps this value's prefix [0, a), a in 0..len, and appends donor[s..] (s in
 * 0..donor.length−1), cut at max.
 */
export function bytesCrossover(w: BytesWork, r: RandomSource): boolean {
  if (w.donors.length === 0) return false;
  const d = w.donors[r.below(w.donors.length)];
  const a = r.below(w.len + 1);
  const s = r.below(d.length);
  const n = Math.min(d.length - s, w.max - a);
  if (n <= 0) return false;
  w.ensure(a + n);
  copyUnits(w.buf, a, d, s, n);
  w.len = a + n;
  return true;
}

/**
 * Finds, from a random start, the first position p < start+64 with lo ≤ buf[p]|mask ≤ hi; −1 if
 * none.
 */
function scan(w: BytesWork, r: RandomSource, lo: number, hi: number, mask: number): number {
  const start = r.below(w.len);
  const end = Math.min(w.len, start + 64);
  for (let p = start; p < end; p++) {
    const c = w.buf[p] | mask;
    if (c >= lo && c <= hi) return p;
  }
  return -1;
}

/** Replaces an ASCII digit (the first within 64 bytes of a random start) by a different digit. */
export function bytesAsciiDigit(w: BytesWork, r: RandomSource): boolean {
  if (w.len < 1) return false;
  const p = scan(w, r, 0x30, 0x39, 0);
  if (p < 0) return false;
  w.buf[p] = 0x30 + otherPos(r, 10, w.buf[p] - 0x30);
  return true;
}

/** Toggles the case of an ASCII letter (the first within 64 bytes of a random start). */
export function bytesAsciiCase(w: BytesWork, r: RandomSource): boolean {
  if (w.len < 1) return false;
  const p = scan(w, r, 0x61, 0x7a, 0x20);
  if (p < 0) return false;
  w.buf[p] ^= 0x20;
  return true;
}

/** Truncates to a uniformly random length in 0..len−1. */
export function bytesTruncate(w: BytesWork, r: RandomSource): boolean {
  if (w.len < 1) return false;
  w.len = r.below(w.len);
  return true;
}

/** Go's 18, in Go's order. */
export const BYTES_GO_MUTATORS: readonly BytesMutator[] = [
  bytesRemove, bytesInsertRandom, bytesDuplicate, bytesCopy, bytesBitFlip, bytesXor, bytesSwapByte,
  bytesArith8, bytesArith16, bytesArith32, bytesArith64, bytesInteresting8, bytesInteresting16,
  bytesInteresting32, bytesInsertConstant, bytesOverwriteConstant, bytesShuffle, bytesSwapRanges,
];
export const BYTES_EXTRA_MUTATORS: readonly BytesMutator[] = [bytesAsciiDigit, bytesAsciiCase, bytesTruncate];
export const BYTES_TOKEN_MUTATORS: readonly BytesMutator[] = [bytesInsertToken, bytesOverwriteToken];
export const BYTES_SPLICE_MUTATORS: readonly BytesMutator[] = [bytesSpliceInsert, bytesCrossover];
/** The mutations that can grow an empty value. */
export const BYTES_GROW_MUTATORS: readonly BytesMutator[] = [bytesInsertRandom, bytesInsertConstant];

/**
 * The table mutateBytes draws from (uniformly): Go's 18 + extras, plus the dictionary mutations if
 * there are tokens and the splice mutations if there are donors. `grow` selects the subset that
 * applies to an empty value.
 */
const bytesTables: BytesMutator[][] = [];
export function bytesTable(hasTokens: boolean, hasDonors: boolean, grow: boolean): readonly BytesMutator[] {
  const k = (hasTokens ? 1 : 0) | (hasDonors ? 2 : 0) | (grow ? 4 : 0);
  return (bytesTables[k] ??= [
    ...(grow ? BYTES_GROW_MUTATORS : [...BYTES_GO_MUTATORS, ...BYTES_EXTRA_MUTATORS]),
    ...(hasTokens ? BYTES_TOKEN_MUTATORS : []),
    ...(hasDonors ? BYTES_SPLICE_MUTATORS : []),
  ]);
}
