/**
 * Seeded pseudo-random numbers: xoshiro128** in 32-bit integer math (about 5 ns a draw).
 *
 * The mutator draws every random decision from one `Rng`, and the engine derives batch seeds with
 * `Rng.deriveSeed`. Rule: the output depends only on the seed (or the state set with `setState`),
 * never on the process, platform, time or `Math.random`, so any process can replay a sequence.
 */

/** What a mutation function needs from a random source (implemented by `Rng` and by test mocks). */
export interface RandomSource {
  /** A uniform integer in [0, 2^32). */
  u32(): number;
  /** A uniform integer in [0, n); n must be an integer in 1..2^32. */
  below(n: number): number;
  /** true or false with probability ½ each. */
  bool(): boolean;
  /** A uniform double in [0, 1) with 53 random bits. */
  float(): number;
}

/** The four 32-bit words of a generator's state (unsigned). */
export type RngState = [number, number, number, number];

const TWO32 = 4294967296;
const TWO53 = 9007199254740992;

/** splitmix32's finalizer: a bijection on 32-bit integers with good avalanche. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) | 0;
}

function checkSeed(what: string, seed: number): void {
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= TWO53)) {
    throw new RangeError(`${what} must be an integer in 0..2^53, got ${String(seed)}`);
  }
}

export class Rng implements RandomSource {
  // The state words, kept as signed int32 values (`| 0`) so V8 stores them untagged.
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /**
   * Seeds the generator from an integer in 0..2^53. The seed's low and high 32-bit halves go
   * through a three-round Feistel network of splitmix32 finalizers, so distinct seeds always give
   * distinct initial states and nearby seeds give unrelated streams.
   */
  constructor(seed: number) {
    checkSeed('Rng seed', seed);
    let lo = seed >>> 0;
    let hi = ((seed - lo) / TWO32) | 0;
    lo |= 0;
    lo ^= mix32((hi + 0x9e3779b9) | 0);
    hi ^= mix32((lo + 0x7f4a7c15) | 0);
    lo ^= mix32((hi + 0x3c6ef372) | 0);
    this.s0 = lo;
    this.s1 = hi;
    this.s2 = mix32((lo + 0x6a09e667) | 0) ^ hi;
    this.s3 = mix32((hi + 0xbb67ae85) | 0) ^ lo;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Returns a 53-bit seed derived from `seed` and `salts` (each an integer in 0..2^53). */
  static deriveSeed(seed: number, ...salts: number[]): number {
    checkSeed('Rng.derive seed', seed);
    let cur = seed;
    for (const salt of salts) {
      checkSeed('Rng.derive salt', salt);
      const x = new Rng(cur).u53();
      // XOR in 53 bits: injective in `salt` for a fixed `cur`.
      const xl = x >>> 0;
      const sl = salt >>> 0;
      const xh = (x - xl) / TWO32;
      const sh = (salt - sl) / TWO32;
      cur = ((xh ^ sh) & 0x1fffff) * TWO32 + ((xl ^ sl) >>> 0);
    }
    return cur;
  }

  /** An independent generator for (seed, ...salts), e.g. `Rng.derive(runSeed, workerId, batch)`. */
  static derive(seed: number, ...salts: number[]): Rng {
    return new Rng(Rng.deriveSeed(seed, ...salts));
  }

  /** Copies this generator's state into `other` (no allocation). */
  copyTo(other: Rng): void {
    other.s0 = this.s0;
    other.s1 = this.s1;
    other.s2 = this.s2;
    other.s3 = this.s3;
  }

  u32(): number {
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const s2 = this.s2 ^ this.s0;
    const s3 = this.s3 ^ s1;
    this.s1 = s1 ^ s2;
    this.s0 ^= s3;
    this.s2 = s2 ^ t;
    this.s3 = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  /**
   * A uniform integer in [0, n) for an integer n in 1..2^32. Lemire's multiply-shift with
   * rejection: on the top 16 bits of a draw in int32 math while n ≤ 2^16 (the mutator's common
   * case, ~2 ns cheaper than doubles), on all 32 bits in doubles while n ≤ 2^21, else rejection
   * sampling with a modulo. Only the common case is here, small enough for V8 to inline it into
   * the mutations (as one function it was called, not inlined; measured +3% executions per
   * second of a trivial target); rejection and large n are out of line.
   */
  below(n: number): number {
    if (n <= 0x10000 && n >= 1) {
      const m = Math.imul(this.u32() >>> 16, n);
      return (m & 0xffff) >= n ? m >>> 16 : this.rejectSmall(m, n);
    }
    return this.belowLarge(n);
  }

  /** below(n ≤ 2^16) when the first draw's low part is < n: rejection against the threshold. */
  private rejectSmall(m: number, n: number): number {
    const threshold = (0x10000 - n) % n;
    while ((m & 0xffff) < threshold) m = Math.imul(this.u32() >>> 16, n);
    return m >>> 16;
  }

  /** below(n) for n > 2^16, and the checks of n. */
  private belowLarge(n: number): number {
    if (!(n >= 1)) throw new RangeError(`Rng.below(n) needs n >= 1, got ${String(n)}`);
    if (n <= 0x200000) {
      let m = this.u32() * n;
      let low = m >>> 0;
      if (low < n) {
        const threshold = (TWO32 - n) % n;
        while (low < threshold) {
          m = this.u32() * n;
          low = m >>> 0;
        }
      }
      return (m - low) / TWO32;
    }
    if (n >= TWO32) {
      if (n === TWO32) return this.u32();
      throw new RangeError(`Rng.below(n) needs n <= 2^32, got ${String(n)}`);
    }
    const limit = TWO32 - (TWO32 % n);
    let x = this.u32();
    while (x >= limit) x = this.u32();
    return x % n;
  }

  bool(): boolean {
    return this.u32() >= 0x80000000;
  }

  float(): number {
    return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / TWO53;
  }

  /** A uniform integer in [0, 2^53): handy as a seed for another generator. */
  u53(): number {
    return (this.u32() >>> 11) * TWO32 + this.u32();
  }

  getState(): RngState {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /** Writes the state into a[i..i+4) (signed words): for the mutator's WebAssembly chain (mutator/kernel.ts). */
  writeTo(a: Int32Array, i: number): void {
    a[i] = this.s0;
    a[i + 1] = this.s1;
    a[i + 2] = this.s2;
    a[i + 3] = this.s3;
  }

  /** Restores a state from `getState()` (four integers in 0..2^32-1, not all zero). */
  setState(s: readonly number[]): void {
    if (s.length !== 4 || !s.every((w) => Number.isInteger(w) && w >= 0 && w < TWO32)) {
      throw new RangeError('Rng state must be four integers in 0..2^32-1');
    }
    if (s[0] === 0 && s[1] === 0 && s[2] === 0 && s[3] === 0) {
      throw new RangeError('Rng state must not be all zero');
    }
    this.s0 = s[0] | 0;
    this.s1 = s[1] | 0;
    this.s2 = s[2] | 0;
    this.s3 = s[3] | 0;
  }
}
