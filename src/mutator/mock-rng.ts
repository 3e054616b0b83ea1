/**
 * A scripted random source for exact unit tests of single mutations (Go's mockRand style): it
 * returns the listed values in order and fails loudly on a value out of range or when exhausted.
 * Used only by tests. Rule: never used by the mutator itself.
 */

import type { RandomSource } from '../util/rng.js';

export class MockRng implements RandomSource {
  private i = 0;

  constructor(private readonly values: readonly number[]) {}

  private take(what: string): number {
    if (this.i >= this.values.length) throw new Error(`MockRng exhausted at draw ${this.i} (${what})`);
    return this.values[this.i++];
  }

  /** Values not drawn yet (tests assert 0: the mutation drew exactly what the case lists). */
  get remaining(): number {
    return this.values.length - this.i;
  }

  u32(): number {
    return this.take('u32()') >>> 0;
  }

  below(n: number): number {
    const v = this.take(`below(${n})`);
    if (!(Number.isInteger(v) && v >= 0 && v < n)) throw new Error(`MockRng: ${v} is out of range for below(${n}) at draw ${this.i - 1}`);
    return v;
  }

  /** A listed 0 means false, anything else true. */
  bool(): boolean {
    return this.take('bool()') !== 0;
  }

  float(): number {
    return this.take('float()');
  }
}
