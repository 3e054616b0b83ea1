/**
 * [coordinator] Minimizing a failing input before it is written: the pure shrinkers of
 * minimize/ propose candidates, each candidate runs alone in the verifier worker, and it is kept
 * only if it fails *the same way* (same signature), so minimization never slides from one bug
 * to another. Hangs are minimized with a shorter per-candidate timeout (a tenth of --timeout,
 * at least 250 ms), and the result is confirmed once with the full timeout before it is kept.
 * Memory failures keep the memory limit (a candidate must really exceed it) but get a timeout
 * derived from how long the input ran until it exceeded it (OOM_TIME_FACTOR times that, plus
 * OOM_TIME_SLACK_MS): a candidate that neither exceeds the limit nor finishes in that time
 * "times out", which is another failure, so it is rejected without waiting for --timeout.
 * Interrupted (Ctrl-C), it keeps the last candidate that failed the same way — each accepted one
 * was verified by its own run — except a hang's, whose confirmation with the full timeout could
 * not run: the input as found is kept then, and the unconfirmed candidate is only named.
 */
import { minimizeInput } from '../minimize/minimize.js';
import type { Budget } from '../util/limits.js';
import type { Kind, Value } from '../values/kinds.js';
import { outcomeOf } from './outcome.js';
import type { WorkerPool } from './pool.js';
import { timersFor, wantedAsync, type FailureInfo } from './protocol.js';
import type { TargetState } from './target-state.js';

/** Time a memory-failure candidate gets: this many times the original's time to the limit, plus slack. */
const OOM_TIME_FACTOR = 4;
const OOM_TIME_SLACK_MS = 1000;

export interface MinimizeFailureOptions {
  verifier: WorkerPool;
  target: TargetState;
  values: Value[];
  failure: FailureInfo;
  /** Budget of this one minimization (time or executions). */
  budget: Budget;
  timeoutMs: number;
  memoryLimitMb: number;
  stopped: () => boolean;
}

export interface MinimizedFailure {
  values: Value[];
  /** The failure as the minimized input shows it (same signature). */
  failure: FailureInfo;
  execs: number;
  changed: boolean;
  /** The budget ran out (or the run was stopped) before no smaller candidate was left to try. */
  exhausted: boolean;
  /** The run was interrupted before minimization finished. */
  interrupted: boolean;
  /** A smaller hanging candidate that could not be confirmed with the full timeout (interrupted). */
  unconfirmed?: Value[];
}

/** Bytes of each fixed-size kind (bool: one). */
const FIXED_SIZE: Record<string, number> = {
  bool: 1, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, float64: 8, int64: 8, uint64: 8,
};

/**
 * The size of an input in bytes, as minimization reports it: a bytes argument's length, a
 * string's length in UTF-8, a number's fixed width — not the size of its corpus file (whose
 * escapes and header would make "BUG" 29 bytes).
 */
export function inputSize(kinds: readonly Kind[], values: readonly Value[]): number {
  let n = 0;
  values.forEach((v, i) => {
    if (v instanceof Uint8Array) n += v.length;
    else if (typeof v === 'string') n += Buffer.byteLength(v, 'utf8');
    else n += FIXED_SIZE[kinds[i].kind] ?? 0;
  });
  return n;
}

export async function minimizeFailure(o: MinimizeFailureOptions): Promise<MinimizedFailure> {
  const signature = o.failure.signature;
  const hang = o.failure.kind === 'timeout';
  const candidateTimeout = hang
    ? Math.max(250, Math.round(o.timeoutMs / 10))
    : o.failure.kind === 'oom' && o.failure.ranMs !== undefined
      ? Math.min(o.timeoutMs, Math.round(OOM_TIME_FACTOR * o.failure.ranMs + OOM_TIME_SLACK_MS))
      : undefined;
  // Each candidate waits for its timers as the failure needs: briefly, unless the failure is
  // asynchronous (only the whole window shows whether a candidate still fails that way).
  const timers = timersFor(o.failure);
  let last = o.failure;
  let execs = 0;
  const run = async (values: Value[], timeoutMs: number | undefined) => {
    execs++;
    const end = await o.verifier.exec((_s, jobId) => ({
      kind: 'run', jobId, target: o.target.key, values, coverage: false, timeoutMs, isolate: true, timers, wantAsync: wantedAsync(o.failure),
    }));
    return outcomeOf(end, o.memoryLimitMb);
  };
  const accept = async (candidate: Value[]): Promise<boolean> => {
    const r = await run(candidate, candidateTimeout);
    if (r.kind !== 'fail' || r.failure.signature !== signature) return false;
    last = r.failure;
    return true;
  };
  const res = await minimizeInput(o.target.info.kinds, o.values, accept, {
    // A hang keeps one execution of its budget for the confirmation with the full timeout.
    maxExecs: o.budget.kind === 'execs' ? Math.max(0, o.budget.n - (hang ? 1 : 0)) : undefined,
    deadline: o.budget.kind === 'time' ? Date.now() + o.budget.ms : undefined,
    stopped: o.stopped,
  });
  const exhausted = res.exhausted;
  const interrupted = exhausted && o.stopped();
  const asFound = { values: o.values, failure: o.failure, changed: false, exhausted };
  if (res.accepted === 0) return { ...asFound, execs, interrupted };
  if (hang) {
    const confirm = await run(res.values, undefined);
    if (confirm.kind === 'stopped') return { ...asFound, execs, interrupted: true, unconfirmed: res.values };
    if (confirm.kind !== 'fail' || confirm.failure.signature !== signature) return { ...asFound, execs, interrupted };
    last = confirm.failure;
  }
  return { values: res.values, failure: last, execs, changed: true, exhausted, interrupted };
}
