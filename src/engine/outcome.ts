/**
 * [coordinator] What a single-input job says about its input: the failure it showed (from the
 * execution thread, the supervisor, or the death of the whole process), none, "no verdict" (a
 * callback it did not leave cut it short), or "we stopped".
 * Shared by regression runs, re-checks and minimization, so all three judge an input alike.
 */
import { describeDeath } from './death.js';
import { noVerdict, type JobEnd } from './pool.js';
import type { FailureInfo } from './protocol.js';

/**
 * 'no-verdict': the job was cut short by a callback its input did not leave (another job's, or
 * of unknown origin before it ran anything: noVerdict), again after the pool ran it once more.
 * Neither a pass nor a failure of the input.
 */
export type InputOutcome =
  | { kind: 'pass'; skipped: boolean }
  | { kind: 'fail'; failure: FailureInfo }
  | { kind: 'no-verdict'; failure: FailureInfo }
  | { kind: 'stopped' };

export function outcomeOf(end: JobEnd, memoryLimitMb: number): InputOutcome {
  switch (end.kind) {
    case 'run':
      return end.failure ? { kind: 'fail', failure: end.failure } : { kind: 'pass', skipped: end.skipped };
    case 'thread-lost':
      // A callback this input did not leave hung while it was judged (the pool ran it again
      // once already): that is no verdict on this input.
      if (noVerdict(end)) return { kind: 'no-verdict', failure: end.failure };
      return { kind: 'fail', failure: end.failure };
    case 'died':
      return { kind: 'fail', failure: describeDeath(end.death, memoryLimitMb) };
    case 'stopped':
      return { kind: 'stopped' };
    case 'done':
      return { kind: 'pass', skipped: false };
  }
}
