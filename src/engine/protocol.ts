/**
 * Every message between the coordinator, a worker process's supervisor and its execution thread.
 *
 * [coordinator] ⇄ IPC (process.send, advanced serialization) ⇄ [worker supervisor, main thread]
 * ⇄ parentPort ⇄ [execution thread, runs user code]. The supervisor relays jobs down and events up,
 * and adds what the execution thread cannot say about itself (it exited, hung, ran out of memory).
 * One job is in flight per worker at a time. Input values never need to travel for fuzz batches:
 * a batch is a pure function of its `FuzzJob` (see mutator/ and ARCHITECTURE.md, "replay
 * contract"), so the coordinator can rebuild any input of it from the job and an index.
 * Nothing is sent per execution: only events (failure, new coverage, end of job).
 */
import type { ComparePair } from '../coverage/trace.js';
import type { Kind, Value } from '../values/kinds.js';

/** Options every worker gets at start (from the CLI flags). */
export interface WorkerConfig {
  /** Fuzz files to load (absolute paths). */
  files: string[];
  /** Instrument user code for coverage (fuzz mode with coverage on). */
  instrument: boolean;
  /** Globs of files to instrument in addition to the default (user code outside node_modules). */
  include: string[];
  exclude: string[];
  /** Directory for the instrumentation cache; undefined = no cache. */
  instrumentCacheDir: string | undefined;
  /** Per-input timeout in ms. */
  timeoutMs: number;
  /** Memory limit of the whole worker process (RSS) in MB; 0 = none. */
  memoryLimitMb: number;
  /** Stream the target's stdout/stderr live instead of capturing it. */
  streamOutput: boolean;
  /** Record compare operands (input-to-state); only with instrument. */
  compareTracing: boolean;
  /** Count the closeness of compare operands as coverage (--value-profile); only with instrument. */
  valueProfile: boolean;
  /**
   * This process's candidate file (inflight.ts, CandidateFile): where its execution thread records
   * the candidate it runs, for a death that takes the process. Set per process by the pool of fuzz
   * workers (WorkerPool's candidateDir); undefined elsewhere.
   */
  candidateFile?: string;
}

/** A target as the execution thread describes it after loading. */
export interface TargetInfo {
  name: string;
  file: string;
  kinds: Kind[];
  /** Seeds from `f.add`, already checked against `kinds`. */
  seeds: Value[][];
  /** Problems found while registering (bad seeds, duplicate names), one line each. */
  errors: string[];
  /** Dictionary tokens declared in the fuzz file. */
  dictionary: Uint8Array[];
}

/** Coverage as stable edge keys (`file#index`) with AFL bucket bits. */
export type StableCoverage = Array<[edge: string, bits: number]>;

/** What happened to one input. */
export type FailureKind =
  | 'throw' // a thrown value or t.fail()
  | 'reject' // a rejected promise
  | 'stack-overflow'
  | 'exit' // process.exit(n)
  | 'abort' // process.abort()
  | 'timeout'
  | 'oom' // memory limit, heap exhaustion
  | 'crash' // the whole process died (signal, fatal error)
  | 'flaky'; // failed once, then not again when re-run

/**
 * Where process.exit() was called, as the execution thread tells (exec-thread.ts, exitPlace):
 * 'call': in an input's call (its target or cleanups, an await in them included): the thread
 * ends and the input in flight is the one; 'callback': in a callback after its input returned:
 * an asynchronous failure, traced to its input like an error thrown there; 'unknown': in a
 * callback while an input of a fuzz batch was pending, which may be that input's own or one an
 * earlier input left: the thread ends and the coordinator searches the batch for its input.
 */
export type ExitPlace = 'call' | 'callback' | 'unknown';

export interface FailureInfo {
  kind: FailureKind;
  /** One line: what happened ("input ran past the 10s timeout", "TypeError: x is undefined"). */
  headline: string;
  /** Full message and stack as the user should read it (source-mapped). */
  detail: string;
  /** De-duplication key: kind plus the top frames in user code. */
  signature: string;
  /** t.log output and captured stdout/stderr of this input, when known. */
  output: string;
  /** How long the input ran until the supervisor stopped it (hangs, memory), when it did. */
  ranMs?: number;
  /**
   * Raised after the target returned: thrown in a callback (a timer, an event) or a promise
   * rejected with no handler (see RunJob.isolate), or process.exit called or a hang in such a
   * callback. Its re-checks and minimization wait for timers as long as the search that found it
   * (timersFor).
   */
  async?: boolean;
}

/**
 * Inputs run outside a batch's sequence (minimization and input-to-state candidates), the last
 * ones, that job-done (asyncSuspects) and thread-lost (suspects) name when a callback failed.
 */
export const ASYNC_SUSPECTS = 32;

/** How long an async-check run waits after its last input at least (callbacks other than timers). */
export const ASYNC_SETTLE_MS = 100;
/**
 * How long an input judged alone waits for the timers it created when nothing says its failure
 * is asynchronous (RunJob.timers 'budget': regression runs, minimization and re-checks of
 * synchronous failures): those due within it, at most that long. Chosen for cost: an input pays
 * it only while such a timer is pending, and never for one due later — a cache's cleanup every
 * few seconds, an unref'd expiry, a timer that reschedules itself. Those used to hold every input
 * for the whole timer window (10 s by default): on test/fixtures/background-timers `tsfuzz test`
 * over 5 seeds took 51 s (now under 1 s), and a minimization ran out of its 60 s after 6
 * candidates (now done in 39, in 2 s). One second still covers the short timers that do fail
 * inputs (a debounce, a retry backoff, an error thrown half a second later, which
 * late-timer.test.mjs finds and reproduces); a shorter budget would buy nothing for targets that
 * leave no such timer, and a chain of short ones (polling) costs the whole budget whatever it is.
 * Under a shorter --timeout it is also the floor of the timer window (timerWindowMs).
 */
export const TIMER_BUDGET_MS = 1000;

/**
 * How far ahead the timers of an input whose failure may be asynchronous are waited for
 * (RunJob.timers 'window', FuzzJob.asyncCheck): those due within its timeout, and within
 * TIMER_BUDGET_MS under a shorter one (a short timeout is about hangs; it must not hide an error
 * thrown from a late timer). A timer due later (a cache's expiry, a retry in a minute) is not
 * waited for.
 */
export function timerWindowMs(timeoutMs: number): number {
  return Math.max(timeoutMs, TIMER_BUDGET_MS);
}

/**
 * The timer wait (RunJob.timers) that judges an input the way `failure` was seen: the whole
 * window for an asynchronous failure (raised after its input returned: only a wait as long as
 * the one that found it reproduces it), the budget otherwise.
 */
export function timersFor(failure: FailureInfo | undefined): 'budget' | 'window' {
  return failure?.async ? 'window' : 'budget';
}

/** RunJob.wantAsync of a run that checks whether an input fails as `failure` did. */
export function wantedAsync(failure: FailureInfo): string | undefined {
  return failure.async ? failure.signature : undefined;
}

export interface FuzzJob {
  kind: 'fuzz';
  jobId: number;
  target: string; // target key
  /** The corpus entry the sequence starts from. */
  base: Value[];
  seed: number;
  /** Executions in this batch (bounded, so a replay is bounded too). */
  limit: number;
  /**
   * The batch spends the rest of an execution budget (--fuzztime=Nx): nothing it runs may go
   * past `limit`, not even the minimization of a new input (which may otherwise finish past it).
   */
  lastOfBudget?: boolean;
  maxLen: number;
  /** Dictionary tokens (fuzz-file tokens + --dict). */
  dictionary: Uint8Array[];
  /**
   * Corpus entries for splicing, part of the replay checkpoint: the target's first `size` corpus
   * entries (the corpus only grows). Only what this worker's execution thread lacks travels:
   * the entries from index `from` on (`add`); the thread keeps the rest from earlier jobs.
   */
  splice: { from: number; add: Value[][]; size: number };
  /**
   * Compare operands seen in earlier batches (comparison mutations); part of the checkpoint.
   * 'kept': the execution thread already holds version `comparisonsVersion` from an earlier job
   * (the table travels only when it changed for that thread; the coordinator keeps it whole).
   */
  comparisons: ComparePair[] | 'kept';
  /** Changes whenever `comparisons` does, so a worker can keep what it derived from the table. */
  comparisonsVersion: number;
  /**
   * Coverage the coordinator has seen since this worker's last job: its coverage log from entry
   * `maskFrom` on (the thread has applied the entries before it).
   */
  maskDelta: StableCoverage;
  maskFrom: number;
  coverage: boolean;
  /** Write the index of each input to the in-flight file before running it (replay of a crash). */
  safeFile: string | undefined;
  /** Minimize new interesting inputs before reporting them (shrink-new.ts). */
  minimizeNew: boolean;
  /** Run the input-to-state stage on the base entry first (its first batch). */
  solveBase: boolean;
  /** Stop at the first failure (replay, or not --keep-going). */
  stopOnFailure: boolean;
  /**
   * Signatures of the target's asynchronous failures the coordinator has already (found, or being
   * traced): the batch counts them as repeats instead of holding its one asynchronous failure for
   * one of them, so a frequent known one does not hide a new one behind it.
   */
  knownAsync?: string[];
  /**
   * Looking for the input behind an asynchronous failure (coordinator's findAsyncCulprit): run
   * inputs `from`..limit-1 one at a time, letting callbacks and rejections run after each, then
   * wait `endMs`, and while timers they created are pending (timerWindowMs: this is where a late
   * failure is looked for, so the whole window); report the first asynchronous failure with
   * `signature` (another one met on the way is another bug) as a failure of the input it
   * followed, and nothing else (no coverage, no synchronous failures: the batch reported those).
   */
  asyncCheck?: { from: number; endMs: number; signature: string };
}

/**
 * The mutator options a fuzz job implies: the same in the worker and in every replay.
 * `comparisons`: the job's table (where the job says 'kept', the one the thread holds).
 */
export function jobMutatorOptions(job: FuzzJob, comparisons: ComparePair[]): { maxLen: number; dictionary: Uint8Array[]; comparisons: ComparePair[] } {
  return { maxLen: job.maxLen, dictionary: job.dictionary, comparisons };
}

export interface RunJob {
  kind: 'run';
  jobId: number;
  target: string;
  values: Value[];
  /** Return this input's coverage. */
  coverage: boolean;
  /** Timeout for this input instead of the worker's (minimizing a hang uses a shorter one). */
  timeoutMs?: number;
  /**
   * Judge the input on its own: its callbacks run in a context naming it (errors of other jobs'
   * callbacks are ignored) and, unless it already failed, the timers it left are waited for (see
   * `timers`). Without it (the baseline), only callbacks pending in the current turn run before
   * it is judged. Set for re-checks, minimization and regression runs, on workers that run no
   * fuzz batches (the context tracking would cost every promise of a batch).
   */
  isolate?: boolean;
  /**
   * With isolate, which of its timers are waited for: 'budget' (the default) those due within
   * TIMER_BUDGET_MS, at most that long; 'window' those due within timerWindowMs — for an input
   * whose failure is asynchronous (timersFor) and for one input named alone by `tsfuzz test`
   * (a report's re-run command), where the wait is paid once.
   */
  timers?: 'budget' | 'window';
  /**
   * The signature of the asynchronous failure this run checks for (a re-check or minimization of
   * one): when the input raises it, that is the run's failure, even if another asynchronous one
   * came first (one input can leave both: the batch that found this one counted the other as
   * known, FuzzJob.knownAsync). Without it, or when it does not come, the first one is.
   */
  wantAsync?: string;
}

/**
 * No input: the callbacks that earlier jobs' isolated inputs left run (settling) until the timers
 * they created that are due within timerWindowMs have fired or been cleared, and the failures they
 * raise come back as strays (its own verdict is always a pass). `tsfuzz test` ends
 * each worker's run of inputs with it, so that the last inputs' late callbacks are judged too.
 */
export interface DrainJob {
  kind: 'drain';
  jobId: number;
}

export type Job = FuzzJob | RunJob | DrainJob;

/** Coordinator → worker supervisor. */
export type ToWorker = { kind: 'job'; job: Job } | { kind: 'stop' };

/** Execution thread → supervisor → coordinator. */
export type FromWorker =
  /** `literals`: string and number literals of the instrumented code (automatic dictionary). */
  /** `instrumented`: the files instrumented so far (coverage module keys). */
  | { kind: 'ready'; targets: TargetInfo[]; edges: number; literals: string[]; instrumented: string[] }
  | { kind: 'load-error'; message: string }
  | { kind: 'interesting'; jobId: number; index: number; values: Value[]; coverage: StableCoverage }
  /** `exact`: (async-check) the failure named its input itself (its callback's context), not just where it surfaced. */
  | { kind: 'failure'; jobId: number; index: number; values: Value[] | undefined; failure: FailureInfo; exact?: boolean }
  | { kind: 'run-result'; jobId: number; failure: FailureInfo | undefined; skipped: boolean; coverage: StableCoverage | undefined }
  /**
   * The execution thread lacks what a fuzz job's deltas assume it holds (mask, splice pool or
   * comparison table: it was replaced without the coordinator knowing, e.g. after an error
   * between jobs); nothing ran, and the pool sends the job again whole.
   */
  | { kind: 'stale'; jobId: number }
  /** `repeats`: per failure signature, how many more inputs failed that way than were reported. */
  | {
      kind: 'job-done'; jobId: number; execs: number; failures: number; repeats: Record<string, number>; edges: number;
      /** Milliseconds from the batch's first execution to its end (the batch without its setup). */
      runMs: number;
      /** New compare operands recorded during the job. */
      comparisons: ComparePair[];
      /** How rare the paths of the batch's inputs were (coverage/frequency.ts); undefined: none sampled. */
      novelty?: number;
      /**
       * An asynchronous failure (FailureInfo.async) that surfaced during the batch, of an unknown
       * input: the coordinator replays the batch to find it.
       */
      asyncFailure?: FailureInfo;
      /** With asyncFailure: the last inputs the batch ran outside its sequence (minimization, input-to-state), oldest first. */
      asyncSuspects?: Value[][];
      /** Files instrumented since the thread last said (loaded by the targets as they ran). */
      instrumented?: string[];
    }
  /** The execution thread died or was stopped during a job; the supervisor restarts it. */
  /** `values`: the input that was running, when it is not input `index` of the batch (a candidate). */
  /**
   * `late`: it hung in a callback an input left, not in an input's call (LateCallback). An
   * asynchronous `failure` (FailureInfo.async: an exit of place 'unknown') names no input either:
   * the coordinator searches the batch.
   */
  /**
   * `awaited`: it hung while input `index` of a fuzz batch awaited (SLOT_AWAITING), so in a
   * callback: that input's own, or one an earlier input left. `suspects`: with `late` or
   * `awaited`, the last candidates the thread ran (ASYNC_SUSPECTS, oldest first), whose callback
   * it may have been.
   */
  | {
      kind: 'thread-lost'; jobId: number; index: number; failure: FailureInfo; processExiting: boolean; values?: Value[]; late?: LateCallback; awaited?: boolean;
      suspects?: Value[][];
    }
  /**
   * A candidate about to run (minimization of a new input, input-to-state), kept by the supervisor,
   * not forwarded; also written to the candidate file first (WorkerConfig.candidateFile).
   */
  | { kind: 'candidate'; values: Value[] }
  /**
   * A StrayFailure, sent the moment the thread sees it and forwarded at once (held by the
   * supervisor while no job is in flight, and sent with the next job): the coordinator takes it as
   * the job in flight's, and has it even if that job's thread or process then dies.
   */
  | { kind: 'stray'; stray: StrayFailure }
  /** The target called process.exit(); `stack` is where, `place` whose it is (kept by the supervisor for the report). */
  | { kind: 'exiting'; stack: string; place: ExitPlace }
  /** The execution thread is about to import this fuzz file (kept by the supervisor, not forwarded). */
  | { kind: 'loading'; file: string };

/**
 * An asynchronous failure (a throw, a rejection nothing handled, process.exit) raised by a callback
 * that an earlier job's input left, after that job had ended (RunJob.isolate, where each callback's
 * input is known): that input fails after all. The thread sends each as it sees it (the 'stray'
 * message), at most one per earlier job between two results; the coordinator takes it as the job
 * in flight's (the next job's, when it came between jobs; a DrainJob's after the last input).
 */
export interface StrayFailure {
  jobId: number;
  failure: FailureInfo;
}

/**
 * A hang in a callback that ran after its input had returned (thread-lost's `late`): the thread
 * was settling or between jobs, or the callback was recorded as another input's while the input
 * in flight awaited, so the input in the in-flight slots is not its cause. `jobId` and
 * `index` (0-based, as thread-lost's) name the input whose callback it was when the thread knew
 * it: in jobs whose inputs run in their own context (RunJob.isolate, FuzzJob.asyncCheck), the
 * execution thread records the origin of each callback before it runs (inflight.ts,
 * SLOT_CALLBACK_JOB). Without them the input is unknown, and is traced like an asynchronous failure.
 */
export interface LateCallback {
  jobId?: number;
  index?: number;
}

/** Key of a target: `<file>#<name>`. */
export function targetKey(file: string, name: string): string {
  return `${file}#${name}`;
}
