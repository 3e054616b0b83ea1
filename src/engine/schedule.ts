/**
 * [coordinator] The schedule: which target a free worker fuzzes next, from which corpus entry,
 * and for how many executions.
 *
 * Targets share workers and time fairly: the next batch goes to the matching target with the
 * fewest executions so far, so N targets each get about 1/N of the run.
 * Entries are drawn at random with an energy in the spirit of AFL++'s power schedules and
 * libFuzzer's entropic weighting: an entry is worth more when it was first to reach many edges
 * and when inputs derived from it keep finding new coverage, and worth less when it is large and
 * when it has already been picked often (diminishing returns). All draws come from the
 * coordinator's seeded generator, so a run with --seed and one worker is reproducible.
 * Batch sizes are counts, not times (the replay contract needs bounded batches). With --seed they
 * follow a fixed ramp (small first, so new coverage is shared quickly, doubling to a cap), which
 * keeps a one-worker run reproducible; otherwise they are sized from the target's measured speed
 * (of its executions, a batch's setup excluded) to run about BATCH_MS, so fast targets pay little
 * per-batch overhead and slow ones still report progress and share coverage several times a second.
 */
import type { Rng } from '../util/rng.js';
import type { CorpusEntry, TargetState } from './target-state.js';

export const FIRST_BATCH = 256;
export const MAX_BATCH = 16384;

/** The target to fuzz next: the one with the fewest executions, counting batches in flight. */
export function pickTarget(targets: readonly TargetState[]): TargetState {
  let best = targets[0];
  for (const t of targets) if (t.execs + t.promised < best.execs + best.promised) best = t;
  return best;
}

/** Energy of an entry; see the file comment. Chosen by hand; revisit with bench/. */
export function entryEnergy(e: CorpusEntry): number {
  const reach = 1 + Math.log2(1 + e.newEdges);
  const productivity = 1 + 2 * e.finds;
  const depth = 1 + e.generation; // deeper finds sit behind more solved conditions
  const sizeCost = 1 + Math.log2(1 + e.size) / 4;
  const fatigue = Math.sqrt(1 + e.picks / 4);
  return (reach * productivity * depth) / (sizeCost * fatigue);
}

/** Draws a corpus entry with probability proportional to its energy. */
export function pickEntry(t: TargetState, rng: Rng): CorpusEntry {
  const entries = t.entries;
  if (entries.length === 1) return entries[0];
  let total = 0;
  const w = new Float64Array(entries.length);
  for (let i = 0; i < entries.length; i++) total += w[i] = entryEnergy(entries[i]);
  let x = rng.float() * total;
  for (let i = 0; i < entries.length; i++) {
    x -= w[i];
    if (x < 0) return entries[i];
  }
  return entries[entries.length - 1];
}

/** Executions for the `n`-th batch (0-based) of a target, in reproducible (--seed) runs. */
export function batchSize(n: number): number {
  return Math.min(MAX_BATCH, FIRST_BATCH << Math.min(n, 16));
}

/** Target duration of a batch when sizes follow the measured speed. Chosen by hand; see bench/. */
export const BATCH_MS = 200;
const MAX_TIMED_BATCH = 1 << 20;

/** Executions for a batch of a target that ran `execsPerMs` so far (0 = unknown yet). */
export function timedBatchSize(execsPerMs: number): number {
  if (!(execsPerMs > 0)) return FIRST_BATCH;
  return Math.max(16, Math.min(MAX_TIMED_BATCH, Math.round(execsPerMs * BATCH_MS)));
}
