/**
 * The shrinker protocol and the one search every shrinker shares.
 * A shrinker is a pure generator: it yields candidate values for one argument and is told (by
 * minimize.ts) whether each was accepted; an accepted candidate becomes its current value.
 * Rule: a shrinker never does I/O and depends only on its input and the answers it receives.
 */

/** Yields candidates; `next(true)` means the last candidate was accepted and is now current. */
export type Shrinker<V> = Generator<V, void, boolean>;

/**
 * Looks for the smallest k in [lo, hi) whose candidate `at(k)` is accepted, `hi` being the current
 * value. Tries `lo` (the simplest) first, then `hi - 1` (if that fails the value is taken as a
 * local minimum and nothing more is spent), then bisects assuming monotonicity. Returns the
 * smallest accepted k seen, or `hi` if none was accepted. Costs at most 2 + log2(hi - lo) tries.
 */
export function* smallestAccepted<V>(lo: bigint, hi: bigint, at: (k: bigint) => V): Generator<V, bigint, boolean> {
  if (lo >= hi) return hi;
  if (yield at(lo)) return lo;
  if (hi - 1n === lo) return hi;
  if (!(yield at(hi - 1n))) return hi;
  hi -= 1n;
  while (hi - lo > 1n) {
    const mid = lo + (hi - lo) / 2n;
    if (yield at(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
