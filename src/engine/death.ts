/**
 * [coordinator] Naming a whole-process death of a worker: out of memory (a fatal V8 heap error,
 * or a SIGKILL nobody asked for, which on Linux is most often the kernel's OOM killer), a crash
 * by signal, or an exit code. The line is what the failure report says happened.
 */
import { simpleFailure } from '../target/harness.js';
import type { FailureInfo } from './protocol.js';
import { deathReason, type WorkerDeath } from './worker-handle.js';

const OOM_TEXT = /heap limit|Allocation failed|out of memory|invalid size error|Invalid array length/i;

export function describeDeath(d: WorkerDeath, memoryLimitMb: number): FailureInfo {
  const tail = d.tail.trim().split('\n').slice(-12).join('\n');
  if (OOM_TEXT.test(d.tail)) {
    const fatal = /FATAL ERROR:[^\n]*|# Fatal [^\n]*/.exec(d.tail)?.[0] ?? 'fatal out-of-memory error';
    return simpleFailure('oom', `worker process ran out of memory (${fatal.trim()})`, tail || fatal, 'fatal');
  }
  if (d.signal === 'SIGKILL') {
    const limit = memoryLimitMb > 0 ? `; the memory limit is ${memoryLimitMb} MB` : '';
    return simpleFailure('oom', `worker process was killed by SIGKILL (most likely the kernel's out-of-memory killer${limit})`, tail, 'sigkill');
  }
  if (d.signal === 'SIGTERM' || d.signal === 'SIGHUP' || d.signal === 'SIGQUIT') {
    const headline = `worker process was terminated by ${d.signal} (sent by the target to its own process, or from outside tsfuzz)`;
    return simpleFailure('crash', headline, tail || undefined, d.signal);
  }
  return simpleFailure('crash', `worker process crashed: ${deathReason(d)}`, tail || undefined, d.signal ?? `code ${d.code}`);
}
