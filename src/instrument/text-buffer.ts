/**
 * Growable output text for the instrumenter's build step (edits.ts): characters are written into
 * a typed array and become one string at the end. One byte per character while every character
 * fits in Latin-1, two bytes after the first that does not. Writing snippets and slices of the
 * original here, instead of creating them as ~600k strings and joining them, avoids most of the
 * build's garbage collection (on typescript.js that cost more than the build itself).
 * Rule: `toString()` returns exactly the characters written, in order.
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class TextBuffer {
  private bytes: Uint8Array | undefined;
  private wide: Uint16Array | undefined;
  private cap: number;
  length = 0;

  /** `oneByte`: start with Latin-1 storage (widened on the first character above U+00FF). */
  constructor(capacity: number, oneByte: boolean) {
    this.cap = Math.max(capacity, 16);
    if (oneByte) this.bytes = new Uint8Array(this.cap);
    else this.wide = new Uint16Array(this.cap);
  }

  private reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.cap) return;
    let cap = this.cap * 2;
    while (cap < need) cap *= 2;
    this.cap = cap;
    if (this.bytes) {
      const b = new Uint8Array(cap);
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

  /** Appends `s`. */
  str(s: string): void {
    this.slice(s, 0, s.length);
  }

  /** Appends s[from, to). */
  slice(s: string, from: number, to: number): void {
    const n = to - from;
    if (n <= 0) return;
    this.reserve(n);
    let at = this.length;
    let i = from;
    const b = this.bytes;
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
    if (this.bytes) return Buffer.from(this.bytes.buffer, 0, this.length).toString('latin1');
    const w = this.wide!;
    if (LITTLE_ENDIAN) return Buffer.from(w.buffer, 0, this.length * 2).toString('utf16le');
    let s = '';
    for (let i = 0; i < this.length; i += 8192) s += String.fromCharCode(...w.subarray(i, Math.min(i + 8192, this.length)));
    return s;
  }
}
