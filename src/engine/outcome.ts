/**
 * [coordinator] What a single-input job says about its input: the failure it showed (from the
 * execution thread, the supervisor, or the death of the whole process), none, or "we stopped".
 * Shared by regression runs, re-checks and minimization, so all three judge an input alike.
 */
import { describeDeath } from './death.js';
import type { JobEnd } from './pool.js';
import type { FailureInfo } from './protocol.js';

export type InputOutcome = { kind: 'pass'; skipped: boolean } | { kind: 'fail'; failure: FailureInfo } | { kind: 'stopped' };

export function outcomeOf(end: JobEnd, memoryLimitMb: number): InputOutcome {
  switch (end.kind) {
    case 'run':
      return end.failure ? { kind: 'fail', failure: end.failure } : { kind: 'pass', skipped: end.skipped };
    case 'thread-lost':
      // A callback another job's input left hung while this input was judged, and the process
      // died with it (else the pool runs the job again): that is no verdict on this input.
      if (end.late?.own === false) return { kind: 'pass', skipped: false };
      return { kind: 'fail', failure: end.failure };
    case 'died':
      return { kind: 'fail', failure: describeDeath(end.death, memoryLimitMb) };
    case 'stopped':
      return { kind: 'stopped' };
    case 'done':
      return { kind: 'pass', skipped: false };
  }
}
