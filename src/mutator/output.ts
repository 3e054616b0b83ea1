/**
 * Producing the target's copies: bytes as views into chunked ArrayBuffer pools (like
 * Buffer.allocUnsafe's pool, 15 ns instead of 30–380 ns for `new Uint8Array(n)`), strings from
 * Uint16Array code units (measured: String.fromCharCode with explicit arguments up to 12 units,
 * Buffer#toString('utf16le') above; TextDecoder would replace lone surrogates, apply() is slower).
 * Used by mutator.ts. Rule: a returned Uint8Array's bytes are never written again by tsfuzz.
 */

import { Buffer } from 'node:buffer';

/** Size of one pool chunk; copies longer than a quarter of it get their own ArrayBuffer. */
export const POOL_CHUNK = 64 * 1024;

let pool = new ArrayBuffer(POOL_CHUNK);
let poolWords = new Int32Array(pool);
let poolOff = 0;

/**
 * A fresh Uint8Array holding src[0..n), where `words` is an Int32Array over src's whole buffer
 * (src.byteOffset 0, capacity ≥ n rounded up to 4). Short copies are views into the shared pool at
 * 8-byte aligned offsets (so `byteOffset` is usually non-zero), copied a 32-bit word at a time; a
 * pool region is never handed out twice. Copies over POOL_CHUNK/4 bytes get their own buffer.
 */
export function copyBytesOut(src: Uint8Array, words: Int32Array, n: number): Uint8Array {
  if (n > POOL_CHUNK >>> 2) return src.slice(0, n);
  if (poolOff + n > POOL_CHUNK) {
    pool = new ArrayBuffer(POOL_CHUNK);
    poolWords = new Int32Array(pool);
    poolOff = 0;
  }
  const out = new Uint8Array(pool, poolOff, n);
  const w = poolOff >> 2;
  const end = (n + 3) >> 2;
  if (end <= 64) {
    for (let i = 0; i < end; i++) poolWords[w + i] = words[i];
  } else {
    out.set(src.subarray(0, n));
  }
  poolOff = (poolOff + n + 7) & ~7;
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const fc = String.fromCharCode;

/** String.fromCharCode with explicit arguments (no array, no apply) for n ≤ 12. */
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
    default: return fc(u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11]);
  }
}

/** Builds strings from a Uint16Array work buffer, caching a Buffer view of its memory. */
export class StringMaker {
  private view: Buffer | undefined;
  private viewOf: ArrayBufferLike | undefined;

  /** The string of code units u[0..n), lone surrogates preserved. */
  make(u: Uint16Array, n: number): string {
    if (n <= 12) return smallString(u, n);
    if (!LITTLE_ENDIAN) return chunked(u, n);
    if (this.viewOf !== u.buffer) {
      this.view = Buffer.from(u.buffer, u.byteOffset, u.byteLength);
      this.viewOf = u.buffer;
    }
    return this.view!.toString('utf16le', 0, 2 * n);
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
