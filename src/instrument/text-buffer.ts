/**
 * Growable output text for the instrumenter's build step (edits.ts): characters are written into
 * a typed array and become one string at the end. One byte per character while every character
 * fits in Latin-1, two bytes after the first that does not. Writing snippets and slices of the
 * original here, instead of creating them as ~600k strings and joining them, avoids most of the
 * build's garbage collection (on typescript.js that cost more than the build itself). The whole
 * output (code and map comment) goes here, so it becomes one flat string: Node makes large
 * Latin-1 strings external, and writes those to a file without another copy (cache.ts).
 * Rule: `toString()` returns exactly the characters written, in order.
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Runs at least this long are copied by Buffer#write (a native copy) rather than a loop. */
const NATIVE_COPY = 128;

export class TextBuffer {
  private bytes: Buffer | undefined;
  private wide: Uint16Array | undefined;
  private cap: number;
  length = 0;

  /** `oneByte`: start with Latin-1 storage (widened on the first character above U+00FF). */
  constructor(capacity: number, oneByte: boolean) {
    this.cap = Math.max(capacity, 16);
    if (oneByte) this.bytes = Buffer.alloc(this.cap);
    else this.wide = new Uint16Array(this.cap);
  }

  private reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.cap) return;
    let cap = this.cap * 2;
    while (cap < need) cap *= 2;
    this.cap = cap;
    if (this.bytes) {
      const b = Buffer.alloc(cap);
      b.set(this.bytes.subarray(0, this.length));
      this.bytes = b;
    } else {
      const w = new Uint16Array(cap);
      w.set(this.wide!.subarray(0, this.length));
      this.wide = w;
    }
  }

  private widen(): void {
    const w = new Uint16Array(this.cap);
    w.set(this.bytes!.subarray(0, this.length)); // zero-extends each byte
    this.wide = w;
    this.bytes = undefined;
  }

  /** The code of the last character written, or -1 while empty. */
  last(): number {
    return this.length === 0 ? -1 : (this.bytes ?? this.wide!)[this.length - 1];
  }

  /** Appends `s` (`latin1`: as in `slice`). */
  str(s: string, latin1 = false): void {
    this.slice(s, 0, s.length, latin1);
  }

  /**
   * Appends s[from, to). `latin1`: the caller knows that `s` has no character above U+00FF
   * (long runs are then copied natively).
   */
  slice(s: string, from: number, to: number, latin1 = false): void {
    const n = to - from;
    if (n <= 0) return;
    this.reserve(n);
    let at = this.length;
    let i = from;
    const b = this.bytes;
    if (b && latin1 && n >= NATIVE_COPY) {
      this.length += b.write(from === 0 && to === s.length ? s : s.slice(from, to), at, 'latin1');
      return;
    }
    if (b) {
      for (; i < to; i++) {
        const c = s.charCodeAt(i);
        if (c > 0xff) break;
        b[at++] = c;
      }
      this.length = at;
      if (i === to) return;
      this.widen();
    }
    const w = this.wide!;
    for (; i < to; i++) w[at++] = s.charCodeAt(i);
    this.length = at;
  }

  /** Appends the Latin-1 characters whose codes are `codes` (a constant prepared by `latin1Codes`). */
  codes(codes: Uint8Array): void {
    const n = codes.length;
    this.reserve(n);
    const buf = this.bytes ?? this.wide!;
    let at = this.length;
    for (let i = 0; i < n; i++) buf[at++] = codes[i];
    this.length = at;
  }

  /** Appends the decimal digits of a non-negative integer. */
  int(n: number): void {
    let digits = 1;
    for (let p = 10; p <= n; p *= 10) digits++;
    this.reserve(digits);
    const buf = this.bytes ?? this.wide!;
    let at = this.length + digits;
    this.length = at;
    do {
      const q = Math.floor(n / 10);
      buf[--at] = 48 + (n - q * 10);
      n = q;
    } while (n > 0);
  }

  toString(): string {
    return decodeText(this.encoded());
  }

  /**
   * The characters written, not yet a string: a view of this buffer's storage, whose ArrayBuffer
   * is its own (never Buffer's shared pool), so it can be transferred to another thread or
   * written to a file without a copy. Write nothing more afterwards.
   */
  encoded(): EncodedText {
    if (this.bytes) return { latin1: this.bytes.subarray(0, this.length) };
    return { utf16: this.wide!.subarray(0, this.length) };
  }
}

/** Text as TextBuffer stores it: one byte per character (Latin-1) or one UTF-16 code unit each. */
export type EncodedText = { latin1: Uint8Array; utf16?: undefined } | { utf16: Uint16Array; latin1?: undefined };

/** `r` with its code as a string (a transform result: transform.ts's EncodedResult). */
export function decoded<R extends { code: string | EncodedText }>(r: R): Omit<R, 'code'> & { code: string } {
  return typeof r.code === 'string' ? (r as R & { code: string }) : { ...r, code: decodeText(r.code) };
}

/** The string of `text`. */
export function decodeText(text: EncodedText): string {
  if (text.latin1) return Buffer.from(text.latin1.buffer, text.latin1.byteOffset, text.latin1.length).toString('latin1');
  const w = text.utf16;
  if (LITTLE_ENDIAN) return Buffer.from(w.buffer, w.byteOffset, w.length * 2).toString('utf16le');
  let s = '';
  for (let i = 0; i < w.length; i += 8192) s += String.fromCharCode(...w.subarray(i, Math.min(i + 8192, w.length)));
  return s;
}

/** The character codes of a Latin-1 string, for `TextBuffer#codes`. */
export function latin1Codes(s: string): Uint8Array {
  if (/[^\x00-\xff]/.test(s)) throw new Error('not Latin-1');
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}
