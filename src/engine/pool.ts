/**
 * [coordinator] A pool of worker processes that runs jobs one at a time per worker and turns
 * every way a job can end into one value: finished, the execution thread was lost (exit, abort,
 * timeout, memory), or the whole process died. A dead worker is replaced before its next job.
 * Used for fuzzing, regression runs and re-checks alike.
 */
import type { ComparePair } from '../coverage/trace.js';
import type { Value } from '../values/kinds.js';
import type { FailureInfo, FromWorker, Job, LateCallback, StableCoverage, TargetInfo, WorkerConfig } from './protocol.js';
import * as path from 'node:path';
import { UserError } from '../util/errors.js';
import { WorkerHandle, type WorkerDeath } from './worker-handle.js';
import { CandidateFile, type RunningCandidate } from './inflight.js';
import * as fs from 'node:fs';

export type JobEnd =
  | {
      kind: 'done'; execs: number; runMs: number; failures: number; repeats: Record<string, number>; comparisons: ComparePair[]; novelty?: number;
      asyncFailure?: FailureInfo;
      asyncSuspects?: Value[][];
    }
  | { kind: 'run'; failure: FailureInfo | undefined; skipped: boolean; coverage: StableCoverage | undefined }
  /**
   * `late`: the thread hung in a callback an input left (LateCallback); `own` says whether that
   * input was this job's (true), another job's run earlier on the same thread (false: a stray,
   * named by `jobId`; such a job runs again, exec() ends so only if it happens again: noVerdict),
   * or unknown. `awaited`: as thread-lost's (protocol.ts).
   */
  | { kind: 'thread-lost'; index: number; failure: FailureInfo; values?: Value[]; late?: LateCallback & { own: boolean | undefined }; awaited?: boolean; suspects?: Value[][] }
  /** `candidate`: the process died while its execution thread ran this candidate (CandidateFile). */
  | { kind: 'died'; death: WorkerDeath; candidate?: RunningCandidate }
  | { kind: 'stopped' };

/**
 * A place in the pool; `generation` changes each time its process is replaced, `thread` each
 * time its execution thread is (state kept in that thread, like the coverage mask, is gone).
 */
export interface Slot {
  readonly id: number;
  generation: number;
  thread: number;
  worker: WorkerHandle | undefined;
  busy: boolean;
}

/** How many times exec() runs a job again after an end that judged nothing of its input. */
const MAX_RERUNS = 1;

/**
 * Whether a job's end says nothing of its input: the thread hung in a callback another job's
 * input left (a stray), or, for a single input, in a callback of unknown origin before the thread
 * took the job up (`index` < 0: it ran nothing of it). A fuzz batch's such end is kept: the
 * coordinator searches the batches before it for that callback's input.
 */
export function noVerdict(end: JobEnd, job?: Job): boolean {
  if (end.kind !== 'thread-lost' || !end.late) return false;
  if (end.late.own === false) return true;
  return end.late.own === undefined && end.index < 0 && (job === undefined || job.kind === 'run');
}

export class WorkerPool {
  readonly slots: Slot[] = [];
  private readonly waiters: Array<(s: Slot) => void> = [];
  private stopped = false;
  private nextJobId = 1;
  targets: TargetInfo[] = [];
  /** String and number literals of the instrumented code (from the first worker). */
  literals: string[] = [];
  /** Instrumented edges reported by the workers (the largest seen). */
  edges = 0;
  /** Every file a worker reported instrumenting (coverage module keys: absolute paths or URLs). */
  readonly instrumented = new Set<string>();

  /**
   * `candidateDir` (fuzz workers): a folder where each process gets its candidate file
   * (WorkerConfig.candidateFile), read when it dies during a job.
   */
  constructor(private readonly config: WorkerConfig, size: number, private readonly candidateDir?: string) {
    for (let i = 0; i < size; i++) this.slots.push({ id: i, generation: 0, thread: 0, worker: undefined, busy: false });
  }

  /** Starts every worker; rejects with the first load error. Returns the targets they loaded. */
  async start(): Promise<TargetInfo[]> {
    const started = await Promise.allSettled(this.slots.map((s) => this.spawn(s)));
    const failed = started.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    if (failed) {
      await this.stop();
      throw failed.reason;
    }
    this.targets = this.slots[0].worker!.targets;
    this.literals = this.slots[0].worker!.literals;
    return this.targets;
  }

  private async spawn(slot: Slot): Promise<void> {
    // One file per process (slot and generation): a replacement never writes its predecessor's.
    const candidateFile = this.candidateDir === undefined ? undefined : path.join(this.candidateDir, `candidate-${slot.id}-${slot.generation + 1}`);
    const w = await WorkerHandle.start({ ...this.config, candidateFile }, slot.id, this.config.streamOutput);
    slot.worker = w;
    slot.generation++;
    this.edges = Math.max(this.edges, w.edges);
    for (const f of w.instrumented) this.instrumented.add(f);
    if (this.stopped) await w.stop();
  }

  newJobId(): number {
    return this.nextJobId++;
  }

  private acquire(): Promise<Slot> {
    const free = this.slots.find((s) => !s.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(slot: Slot): void {
    const next = this.waiters.shift();
    if (next) next(slot);
    else slot.busy = false;
  }

  /**
   * Runs one job on a free worker. `makeJob` builds it once the worker is known (so per-worker
   * state such as coverage cursors can be filled in), and again for a fresh thread (the job ran
   * nothing, or was cut short by a callback its input did not leave: noVerdict, once). Events of
   * the job go to `onEvent`, such a cut (a 'thread-lost' whose `late` names another job) included.
   */
  async exec(makeJob: (slot: Slot, jobId: number) => Job, onEvent: (m: FromWorker) => void = () => {}): Promise<JobEnd> {
    return this.runOn(await this.acquire(), makeJob, onEvent);
  }

  /**
   * Runs a job (as exec) on every worker that is alive and idle now, each its own, at once: for
   * work a given worker must do itself (a DrainJob waits for callbacks that only its thread holds).
   */
  execOnEach(makeJob: (slot: Slot, jobId: number) => Job, onEvent: (m: FromWorker) => void = () => {}): Promise<JobEnd[]> {
    const idle = this.slots.filter((s) => !s.busy && s.worker?.alive);
    for (const s of idle) s.busy = true;
    return Promise.all(idle.map((s) => this.runOn(s, makeJob, onEvent)));
  }

  /** exec() on `slot`, acquired by the caller (released here). */
  private async runOn(slot: Slot, makeJob: (slot: Slot, jobId: number) => Job, onEvent: (m: FromWorker) => void): Promise<JobEnd> {
    try {
      // A job cut short with no verdict on its input (noVerdict) runs again, on the restarted
      // thread or a fresh process: once, as the fresh one holds no callback of an earlier input.
      const reruns = { left: MAX_RERUNS };
      for (;;) {
        if (this.stopped) return { kind: 'stopped' };
        if (!slot.worker || !slot.worker.alive) await this.spawn(slot);
        if (this.stopped) return { kind: 'stopped' };
        const end = await this.attempt(slot, makeJob, onEvent, reruns);
        if (end !== 'again') return end;
      }
    } finally {
      this.release(slot);
    }
  }

  /** One try of exec() on the slot's worker; 'again': no verdict, the process died, run it again. */
  private attempt(
    slot: Slot, makeJob: (slot: Slot, jobId: number) => Job, onEvent: (m: FromWorker) => void, reruns: { left: number },
  ): Promise<JobEnd | 'again'> {
    const w = slot.worker!;
    let job = makeJob(slot, this.newJobId());
    /** The job built again, whole, for a fresh thread, and sent. */
    const resend = () => {
      job = makeJob(slot, this.newJobId());
      w.send(job);
    };
    return new Promise<JobEnd | 'again'>((resolve) => {
      let lost: JobEnd | 'again' | undefined;
      w.onEvent = (m) => {
        if ('jobId' in m && m.jobId !== job.jobId) return;
        switch (m.kind) {
          case 'job-done':
            this.edges = Math.max(this.edges, m.edges);
            for (const f of m.instrumented ?? []) this.instrumented.add(f);
            resolve({
              kind: 'done', execs: m.execs, runMs: m.runMs, failures: m.failures, repeats: m.repeats, comparisons: m.comparisons, novelty: m.novelty,
              asyncFailure: m.asyncFailure, asyncSuspects: m.asyncSuspects,
            });
            break;
          case 'run-result':
            resolve({ kind: 'run', failure: m.failure, skipped: m.skipped, coverage: m.coverage });
            break;
          case 'stale':
            // The thread was replaced unnoticed: as a new thread it gets everything again.
            slot.thread++;
            resend();
            break;
          case 'thread-lost': {
            slot.thread++;
            const late = m.late && { ...m.late, own: m.late.jobId === undefined ? undefined : m.late.jobId === job.jobId };
            const end: JobEnd = { kind: 'thread-lost', index: m.index, failure: m.failure, values: m.values, late, awaited: m.awaited, suspects: m.suspects };
            if (noVerdict(end, job) && reruns.left > 0) {
              // Cut short by a callback this job's input did not leave: that says nothing of
              // its input, which runs again on the restarted thread (the callback went with the
              // old one), or on a fresh process when this one is ending. Whose callback it was
              // is the caller's business (onEvent).
              reruns.left--;
              onEvent(m);
              if (m.processExiting) lost = 'again';
              else resend();
              break;
            }
            // The supervisor could not stop its thread and is ending its process: wait for
            // that, so the next job goes to a fresh process.
            if (m.processExiting) lost = end;
            else resolve(end);
            break;
          }
          default:
            onEvent(m);
        }
      };
      w.onDeath = (death) => resolve(lost ?? (this.stopped ? { kind: 'stopped' } : { kind: 'died', death, candidate: takeCandidate(w, job.jobId) }));
      if (!w.alive) {
        resolve({ kind: 'died', death: { code: null, signal: null, tail: '' } });
        return;
      }
      w.send(job);
    });
  }

  /** Stops every worker (SIGKILL after the grace period). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.slots.map((s) => s.worker?.stop()));
    for (const s of this.slots) s.worker?.kill();
    for (const w of this.waiters.splice(0)) w(this.slots[0]);
  }

  /** Kills every worker at once (interrupt). Pending jobs end as 'stopped'. */
  kill(): void {
    this.stopped = true;
    for (const s of this.slots) {
      const w = s.worker;
      if (!w) continue;
      w.kill();
    }
  }
}

/**
 * The candidate job `jobId` was running when the process of `w` died, if its candidate file
 * records one; the file goes (the process that wrote it is gone).
 */
function takeCandidate(w: WorkerHandle, jobId: number): RunningCandidate | undefined {
  const file = w.config.candidateFile;
  if (!file) return undefined;
  const c = CandidateFile.read(file, jobId);
  fs.rmSync(file, { force: true });
  return c;
}

/** Registration problems of the loaded targets (bad seeds, names…) as one UserError, if any. */
export function assertTargetsValid(targets: readonly TargetInfo[]): void {
  const problems = targets.flatMap((t) => t.errors.map((e) => `${path.relative(process.cwd(), t.file)}: ${e}`));
  if (problems.length) throw new UserError(problems.join('\n'));
}

/**
 * Starts a pool, checks the targets it loaded, runs `fn` with it and stops it afterwards,
 * whatever happens. An abort of `signal` (Ctrl-C) kills the workers at once: pending jobs end as
 * 'stopped' and `interrupted()` turns true. Used by the one-shot commands (test, minimize,
 * corpus-min); fuzzing manages its pools itself.
 */
export async function withPool<T>(
  config: WorkerConfig,
  size: number,
  signal: AbortSignal,
  fn: (pool: WorkerPool, targets: TargetInfo[], interrupted: () => boolean) => Promise<T>,
): Promise<T> {
  const pool = new WorkerPool(config, size);
  let interrupted = false;
  const onAbort = () => {
    interrupted = true;
    pool.kill();
  };
  signal.addEventListener('abort', onAbort);
  try {
    const targets = await pool.start();
    assertTargetsValid(targets);
    return await fn(pool, targets, () => interrupted);
  } finally {
    signal.removeEventListener('abort', onAbort);
    await pool.stop();
  }
}
