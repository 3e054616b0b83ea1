/**
 * How rare the paths are that a batch's inputs take, for the schedule (engine/schedule.ts).
 *
 * In a worker's execution thread, one execution in SAMPLE_EVERY (by index, so runs with --seed
 * stay reproducible) hashes its path — every touched edge with its hit-count bucket — and counts
 * it in a fixed table of path counts (hash collisions only merge counts). The execution adds
 * 1/count to its batch's novelty, so a batch whose inputs keep taking paths seldom seen before
 * scores high and one whose inputs take the paths everything takes scores near 0. This is the
 * path frequency of AFL++'s FAST/RARE power schedules, measured on the inputs an entry produces
 * rather than on the entry itself (as libFuzzer's entropic schedule does with features).
 *
 * Cost: nothing on the other executions; on a sampled one, a pass over its touched edges and one
 * table update. Memory: a fixed 4 MiB table, whatever the program size.
 */
import { bucketBit } from './runtime.js';

/** One execution in this many is sampled. */
export const SAMPLE_EVERY = 8;
const TABLE_BITS = 20;

export class PathFrequency {
  private readonly counts = new Uint32Array(1 << TABLE_BITS);
  /** Novelty summed over this batch's sampled executions, and how many were sampled. */
  private novelty = 0;
  private samples = 0;

  /** Whether execution number `n` of a batch is one of the sampled ones. */
  static sampled(n: number): boolean {
    return (n & (SAMPLE_EVERY - 1)) === 0;
  }

  /**
   * Counts the path of one execution: its touched list `T` (T[0] entries) with the hit counts in
   * `C` (before they are cleared).
   */
  observe(T: Uint32Array, C: Uint32Array): void {
    const n = T[0];
    let h = 0x811c9dc5 ^ n;
    for (let i = 1; i <= n; i++) {
      const k = T[i];
      h = Math.imul(h ^ k, 0x01000193);
      h = Math.imul(h ^ bucketBit(C[k]), 0x01000193);
    }
    const slot = (h ^ (h >>> TABLE_BITS)) & ((1 << TABLE_BITS) - 1);
    const c = this.counts[slot] + 1;
    if (c <= 0xffffffff) this.counts[slot] = c; // saturates
    this.novelty += 1 / c;
    this.samples++;
  }

  /** The mean novelty of the executions sampled since the last call (undefined: none), and resets it. */
  takeBatchNovelty(): number | undefined {
    const r = this.samples === 0 ? undefined : this.novelty / this.samples;
    this.novelty = 0;
    this.samples = 0;
    return r;
  }
}
