/**
 * Producing the target's copies: bytes as fresh Uint8Arrays of their own, strings from
 * Uint16Array code units (measured: String.fromCharCode with explicit arguments up to 16 units,
 * Buffer's utf16le decoding above; TextDecoder would replace lone surrogates, apply() is slower).
 * Used by mutator.ts. Rule: copyBytesOut's arrays are never written again by tsfuzz; LentBytes'
 * arrays are refilled by the next input of the same length.
 */

import { Buffer } from 'node:buffer';

/**
 * A fresh Uint8Array holding src[0..n), in an ArrayBuffer of its own (byteOffset 0, byteLength n).
 * For values that leave the execution thread (reports, corpus) and for regression runs.
 */
export function copyBytesOut(src: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n);
  if (n <= 64) {
    for (let i = 0; i < n; i++) out[i] = src[i];
  } else {
    out.set(src.subarray(0, n));
  }
  return out;
}

/** Bytes of lent buffers kept per argument at most (lengths beyond it get fresh arrays). */
const LENT_BYTES_MAX = 32 << 20;

/**
 * The inputs the fuzz loop hands to a target: for each length n, one Uint8Array over an
 * ArrayBuffer of exactly n bytes (byteOffset 0), refilled for every input of that length. To the
 * target it looks like a fresh array of its own (data.buffer holds the input and nothing else), but
 * allocating one per execution cost more than everything else in the loop (measured: 60–100 ns
 * on the heap, 180–380 ns off-heap above 64 bytes, against ~10 ns for a refill). As in Go and
 * libFuzzer, a target must not keep its input after it returns (it may be refilled later); what a
 * target writes into it never reaches the mutator (the mutator's working copy is separate). A
 * buffer the target detached (transferred) is replaced.
 */
export class LentBytes {
  private views: (Uint8Array | undefined)[] = [];
  /** An Int32Array over the first n >> 2 words of views[n], for word-wise refills. */
  private words: (Int32Array | undefined)[] = [];
  private bytes = 0;

  /**
   * src[0..n) in the lent array of length n; `srcWords` is an Int32Array over src's memory
   * (holding at least n bytes rounded up to whole words).
   */
  lend(src: Uint8Array, srcWords: Int32Array, n: number): Uint8Array {
    const v = this.views[n];
    if (v === undefined || v.length !== n || n > 256) return this.lendRare(src, n);
    const w = this.words[n]!;
    const k = n >> 2;
    for (let i = 0; i < k; i++) w[i] = srcWords[i];
    for (let i = k << 2; i < n; i++) v[i] = src[i];
    return v;
  }

  // The rest of lend(), apart to keep lend() small (it is inlined into the fuzz loop, whose V8
  // inlining budget the target shares): a length's first array, a detached one, long values.
  private lendRare(src: Uint8Array, n: number): Uint8Array {
    let v = this.views[n];
    if (v === undefined || v.length !== n) {
      if (this.bytes + n > LENT_BYTES_MAX) return copyBytesOut(src, n);
      if (v === undefined) this.bytes += n;
      v = this.views[n] = new Uint8Array(n);
      this.words[n] = new Int32Array(v.buffer, 0, n >> 2);
    }
    v.set(src.subarray(0, n));
    return v;
  }
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
