/**
 * How rare the paths are that a batch's inputs take, for the schedule (engine/schedule.ts).
 *
 * In a worker's execution thread, some executions of a batch (every `stride`-th by index, so runs
 * with --seed stay reproducible) hash their path — every touched edge with its hit-count bucket —
 * and count it in a fixed table of path counts (hash collisions only merge counts). The execution
 * adds 1/count to its batch's novelty, so a batch whose inputs keep taking paths seldom seen before
 * scores high and one whose inputs take the paths everything takes scores near 0. This is the
 * path frequency of AFL++'s FAST/RARE power schedules, measured on the inputs an entry produces
 * rather than on the entry itself (as libFuzzer's entropic schedule does with features).
 *
 * The stride follows the batch's size (startBatch): about SAMPLES_PER_BATCH samples a batch, at
 * least one execution in MAX_STRIDE. A mean needs a number of samples, not a share of the
 * executions; a sample costs 13–16 ns with its slot in cache and more when the slot misses in
 * the 4 MiB table (a fixed one in eight had no end-to-end cost measurable above noise).
 *
 * Cost: nothing on the other executions; on a sampled one, a pass over its touched edges and one
 * table update. Memory: a fixed 4 MiB table, whatever the program size.
 */
import { bucketBit } from './runtime.js';

/** Samples wanted per batch: the stride is the largest power of two that still gives this many. */
export const SAMPLES_PER_BATCH = 4096;
/** Most executions per sample, whatever the batch's size. */
export const MAX_STRIDE = 64;
const TABLE_BITS = 20;

export class PathFrequency {
  private readonly counts = new Uint32Array(1 << TABLE_BITS);
  /** Novelty summed over this batch's sampled executions, and how many were sampled. */
  private novelty = 0;
  private samples = 0;
  /** stride − 1 of the batch running (a power of two minus one). */
  private strideMask = 0;

  /**
   * Starts a batch of `limit` executions: its novelty starts from nothing, and its stride is the
   * largest power of two ≤ limit / SAMPLES_PER_BATCH, from 1 to MAX_STRIDE.
   */
  startBatch(limit: number): void {
    this.novelty = 0;
    this.samples = 0;
    let stride = 1;
    while (stride < MAX_STRIDE && stride * 2 * SAMPLES_PER_BATCH <= limit) stride *= 2;
    this.strideMask = stride - 1;
  }

  /** Whether execution number `n` of the batch is one of the sampled ones. */
  sampled(n: number): boolean {
    return (n & this.strideMask) === 0;
  }

  /**
   * Counts the path of one execution: its touched list `T` (T[0] entries) with the hit counts in
   * `C` (before they are cleared).
   */
  observe(T: Int32Array, C: Int32Array): void {
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
