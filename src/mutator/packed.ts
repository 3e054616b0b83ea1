/**
 * Lists of unit sequences (bytes, or UTF-16 code units) packed back to back in one typed array,
 * for the mutator's large tables: the replacements and operands derived from traced comparisons
 * (cmp.ts), thousands of short sequences. Drawing a random entry then reads one row of an
 * Int32Array and a few units, where an array of typed arrays chases four pointers (array, tuple,
 * typed array, backing store), each a likely cache miss with a table of thousands (measured: those
 * misses were most of cmpReplace's time with a 4096-entry table).
 * Rule: built once, never modified.
 */

import type { Units } from './common.js';

export class Packed<B extends Units> {
  /** All sequences, back to back. */
  readonly units: B;
  /** Sequence i is units[spans[2i] .. spans[2i] + spans[2i+1]). */
  readonly spans: Int32Array;
  /** Number of sequences. */
  readonly count: number;

  constructor(seqs: readonly B[], make: (n: number) => B) {
    let total = 0;
    for (const s of seqs) total += s.length;
    this.units = make(total);
    this.spans = new Int32Array(2 * seqs.length);
    this.count = seqs.length;
    let at = 0;
    const units = this.units;
    for (let i = 0; i < seqs.length; i++) {
      const s = seqs[i];
      const n = s.length;
      if (n > 64) units.set(s as never, at);
      else for (let j = 0; j < n; j++) units[at + j] = s[j];
      this.spans[2 * i] = at;
      this.spans[2 * i + 1] = n;
      at += n;
    }
  }

  /** Sequence i, as a view (for setup code and tests; hot paths read units and spans). */
  at(i: number): B {
    const s = this.spans[2 * i];
    return this.units.subarray(s, s + this.spans[2 * i + 1]) as B;
  }
}

export const packBytes = (seqs: readonly Uint8Array[]): Packed<Uint8Array> => new Packed(seqs, (n) => new Uint8Array(n));
export const packUnits = (seqs: readonly Uint16Array[]): Packed<Uint16Array> => new Packed(seqs, (n) => new Uint16Array(n));

/** [needle, replacement] pairs as one Packed list: entry k is sequences 2k (needle) and 2k+1. */
export function packPairs<B extends Units>(pairs: readonly (readonly [B, B])[], make: (n: number) => B): Packed<B> {
  const seqs: B[] = new Array(2 * pairs.length);
  for (let k = 0; k < pairs.length; k++) {
    seqs[2 * k] = pairs[k][0];
    seqs[2 * k + 1] = pairs[k][1];
  }
  return new Packed(seqs, make);
}
