/**
 * [coordinator] The schedule: which target a free worker fuzzes next, from which corpus entry,
 * and for how many executions.
 *
 * Targets share workers and time fairly: the next batch goes to the matching target with the
 * fewest executions so far, so N targets each get about 1/N of the run.
 *
 * Entries are drawn at random, in proportion to an energy (entryEnergy), in the spirit of AFL++'s
 * FAST/RARE power schedules and libFuzzer's entropic schedule, plus AFL's preference for small
 * and fast entries:
 * - rare paths: workers hash the path (edges and hit-count buckets) of a sample of executions
 *   and count how often each path was taken (coverage/frequency.ts); a batch scores the mean of
 *   1/count over its sampled inputs. An entry whose mutants keep taking paths seldom seen is near
 *   unexplored code; one whose mutants take the paths everything takes (an early parse error) is
 *   not. This is measured on what the entry produces, not on the entry's own edges: an edge can
 *   be rare only because nothing near it is being fuzzed any more, a path its mutants produce
 *   cannot.
 * - depth: entries more mutation generations away from a seed sit behind more solved
 *   conditions (squared: the frontier of a chain of conditions is its deepest entry).
 * - reach: how many (edge, bucket) pairs it was first to reach.
 * - small and fast: mutations of a small input are likelier to hit the bytes that matter, and a
 *   fast entry gives more executions per second (AFL's perf score). Speed is wall time, so it is
 *   left out when --seed asks for a reproducible run.
 * - fatigue: an entry picked often is worth less (diminishing returns).
 * Measured (bench/run.mjs, "executions to find"; test/fixtures/deep12 with one worker, mean over
 * --seed=1..12): this scheme needs 1.01M executions without compare tracing and 0.10M with it;
 * the earlier one (reach, depth, and a bonus for entries whose mutants had found something)
 * needed 3.44M and 0.37M, and depth alone 1.52M and 0.19M. Fuzzing into TypeScript's parser, edges
 * after 150,000 executions were within noise of each other (2,700 ± 100 for both).
 * Go's scheme, round-robin over the corpus, gives a seed whose mutants only ever fail early as
 * much time as the one entry past a hard comparison.
 * All draws come from the coordinator's seeded generator, so a run with --seed and one worker
 * is reproducible.
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

/** Novelty assumed for an entry no batch has measured yet (a new entry is worth trying). */
const UNMEASURED_NOVELTY = 0.1;

/** Energy of an entry; see the file comment. `targetSpeed`: the target's executions per ms, or 0. */
export function entryEnergy(e: CorpusEntry, targetSpeed: number): number {
  // Each factor's range keeps any one from drowning the others: rare 1–11, depth grows with
  // the generation, speed ½–2, size and fatigue logarithmic and square-root.
  const rare = 1 + Math.log2(1 + 1024 * (e.novelty ?? UNMEASURED_NOVELTY));
  const depth = (1 + e.generation) ** 2;
  const reach = 1 + Math.log2(1 + e.newEdges);
  const speed = targetSpeed > 0 && e.execsPerMs > 0 ? Math.min(2, Math.max(0.5, Math.sqrt(e.execsPerMs / targetSpeed))) : 1;
  const sizeCost = 1 + Math.log2(1 + e.size) / 4;
  const fatigue = Math.sqrt(1 + e.picks / 4);
  return (rare * depth * reach * speed) / (sizeCost * fatigue);
}

/**
 * Draws a corpus entry with probability proportional to its energy; `useSpeed` false leaves the
 * measured speed out (reproducible runs).
 */
export function pickEntry(t: TargetState, rng: Rng, useSpeed: boolean): CorpusEntry {
  const entries = t.entries;
  if (entries.length === 1) return entries[0];
  let total = 0;
  const w = new Float64Array(entries.length);
  const speed = useSpeed ? t.execsPerMs : 0;
  for (let i = 0; i < entries.length; i++) total += w[i] = entryEnergy(entries[i], speed);
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
