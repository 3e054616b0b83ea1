/**
 * [worker: execution thread] Minimizing a new interesting input before it enters the corpus, as
 * Go does: a smaller candidate replaces it only if it runs without failing and still reaches every
 * (edge, hit-count bucket) that made the input new. It runs in the execution thread with a small
 * execution budget (NEW_INPUT_BUDGET), so it never slows fuzzing noticeably. Each candidate is
 * announced first (to the supervisor, and in the process's candidate file), so a candidate that
 * kills the thread, or the whole process, is still named.
 */
import type { RegisteredTarget } from '../api/registry.js';
import type { CoverageRuntime } from '../coverage/runtime.js';
import { minimizeInput } from '../minimize/minimize.js';
import { runSingleInput } from '../target/harness.js';
import type { FailureInfo } from './protocol.js';
import type { Value } from '../values/kinds.js';

/** Candidate executions spent on one new input. Chosen by hand; revisit with bench/. */
export const NEW_INPUT_BUDGET = 64;

/**
 * Returns a smaller input reaching the same new coverage (or `values` itself) and the executions
 * spent (at most `budget`, at most NEW_INPUT_BUDGET). `found` holds (local edge, bucket bit) pairs. Leaves the
 * coverage counters reset.
 */
export async function shrinkInteresting(
  target: RegisteredTarget,
  cov: CoverageRuntime,
  values: Value[],
  found: readonly number[],
  announce: (candidate: Value[]) => void,
  budget = NEW_INPUT_BUDGET,
): Promise<{ values: Value[]; execs: number }> {
  const accept = async (candidate: Value[]): Promise<boolean> => {
    cov.reset();
    const r = await runInThread(target, candidate, announce);
    let ok = !r.failure && !r.skipped;
    if (ok) {
      const got = new Map<number, number>();
      const pairs = cov.takeAll();
      for (let i = 0; i < pairs.length; i += 2) got.set(pairs[i], pairs[i + 1]);
      for (let i = 0; i < found.length; i += 2) {
        if (((got.get(found[i]) ?? 0) & found[i + 1]) === 0) {
          ok = false;
          break;
        }
      }
    }
    cov.reset();
    return ok;
  };
  if (budget <= 0) return { values, execs: 0 };
  const res = await minimizeInput(target.kinds, values, accept, { maxExecs: Math.min(budget, NEW_INPUT_BUDGET) });
  return { values: res.values, execs: res.execs };
}

/**
 * Runs one input in this thread outside the batch's sequence (minimization and I2S candidates),
 * after announcing it (exec-thread.ts: to the supervisor and in the candidate file) so that a
 * candidate that kills the thread or its process is named.
 * Coverage stays in the map for the caller to read.
 */
export async function runInThread(
  target: RegisteredTarget,
  input: Value[],
  announce: (candidate: Value[]) => void,
): Promise<{ failure: FailureInfo | undefined; skipped: boolean }> {
  announce(input);
  return runSingleInput(target, input);
}
