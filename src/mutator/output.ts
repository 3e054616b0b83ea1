/**
 * Producing the target's copies: bytes as fresh Uint8Arrays of their own, strings from
 * Uint16Array code units (measured: String.fromCharCode with explicit arguments up to 16 units,
 * Buffer's utf16le decoding above; TextDecoder would replace lone surrogates, apply() is slower).
 * Used by mutator.ts. Rule: a returned Uint8Array's bytes are never written again by tsfuzz.
 */

import { Buffer } from 'node:buffer';

/**
 * A fresh Uint8Array holding src[0..n), in an ArrayBuffer of its own (byteOffset 0, byteLength n).
 * Pooling copies into a shared buffer was faster (15 vs 30 ns for small inputs) but let a target
 * that reads `data.buffer` see neighbouring inputs, which regression runs (fresh buffers) would
 * not reproduce; exactness wins. `words` is unused and kept for the callers' signature.
 */
export function copyBytesOut(src: Uint8Array, _words: Int32Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  if (n <= 64) {
    for (let i = 0; i < n; i++) out[i] = src[i];
  } else {
    out.set(src.subarray(0, n));
  }
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const fc = String.fromCharCode;

/** String.fromCharCode with explicit arguments (no array, no apply) for n ≤ 16. */
function smallString(u: Uint16Array, n: number): string {
  switch (n) {
    case 0: return '';
    case 1: return fc(u[0]);
    case 2: return fc(u[0], u[1]);
    case 3: return fc(u[0], u[1], u[2]);
    case 4: return fc(u[0], u[1], u[2], u[3]);
    case 5: return fc(u[0], u[1], u[2], u[3], u[4]);
    case 6: return fc(u[0], u[1], u[2], u[3], u[4], u[5]);
    case 7: return fc(u[0], u[1], u[2], u[3], u[4], u[5], u[6]);
    case 8: return fc(u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7]);
    case 9: return fc(u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8]);
    case 10: return fc(u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9]);
    case 11: return fc(u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10]);
    case 12: return fc(u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11]);
    case 13: return fc(u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12]);
    case 14: return fc(u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13]);
    case 15: return fc(u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14]);
    default: return fc(u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
  }
}

type Ucs2 = Buffer & { ucs2Slice?: (start: number, end: number) => string };

/** Builds strings from a Uint16Array work buffer, caching a Buffer view of its memory. */
export class StringMaker {
  private view: Ucs2 | undefined;
  private viewOf: ArrayBufferLike | undefined;

  /** The string of code units u[0..n), lone surrogates preserved. */
  make(u: Uint16Array, n: number): string {
    if (n <= 16) return smallString(u, n);
    if (!LITTLE_ENDIAN) return chunked(u, n);
    if (this.viewOf !== u.buffer) {
      this.view = Buffer.from(u.buffer, u.byteOffset, u.byteLength);
      this.viewOf = u.buffer;
    }
    const v = this.view!;
    // Buffer#ucs2Slice (undocumented, in every Node version we support) skips toString's argument handling.
    return v.ucs2Slice !== undefined ? v.ucs2Slice(0, 2 * n) : v.toString('utf16le', 0, 2 * n);
  }
}

function chunked(u: Uint16Array, n: number): string {
  let s = '';
  for (let i = 0; i < n; i += 4096) {
    s += fc.apply(null, u.subarray(i, Math.min(n, i + 4096)) as unknown as number[]);
  }
  return s;
}

/** The code units of a string, in a new Uint16Array. */
export function unitsOfString(s: string): Uint16Array {
  const u = new Uint16Array(s.length);
  for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
  return u;
}
