/**
 * [worker: execution thread] Loads the fuzz files and runs jobs: fuzz batches in a tight loop, and
 * single inputs (regression runs, baseline coverage, re-checks).
 *
 * The hot loop pays no message, no syscall and no allocation of ours per execution: the mutator
 * lends the next input (bytes in a buffer refilled by a later input of the same length; the
 * target may modify it but must not keep it, as in Go), one store to shared memory records
 * its index (inflight.ts), the target runs, and coverage is read from the touched list only.
 * Events go to the supervisor only when something happens: a failure, new coverage, job end.
 * Rule: this thread never decides that a failure is real or new; it reports, the coordinator judges.
 */
import { AsyncLocalStorage, createHook, type AsyncHook } from 'node:async_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { RegisteredTarget } from '../api/registry.js';
import { PathFrequency } from '../coverage/frequency.js';
import { installCoverageRuntime, type CoverageRuntime } from '../coverage/runtime.js';
import { registerLoader } from '../instrument/register.js';
import { Mutator, replayInput } from '../mutator/mutator.js';
import { loadFuzzFiles } from '../target/load.js';
import {
  ExitSignal, TContext, Verdict, callTarget, describeAsyncError, describeError, exitFailure, isThenable, pendingInputs, runCleanups,
  runSingleInput, verdictOfError,
} from '../target/harness.js';
import { errorMessage } from '../util/errors.js';
import type { Value } from '../values/kinds.js';
import {
  CandidateFile, SLOT_ABORTED, SLOT_AWAITING, SLOT_BUSY, SLOT_CALLBACK_INDEX, SLOT_CALLBACK_JOB, SLOT_INDEX, SLOT_JOB, SLOT_MINIMIZING, SLOT_SETTLING, SafeFile,
} from './inflight.js';
import { OutputTail, joinOutput } from './output-tail.js';
import { runInThread, shrinkInteresting } from './shrink-new.js';
import { CompareTrace, type ComparePair } from '../coverage/trace.js';
import { ValueProfileMap, localValueProfileFeature, valueProfileKey } from '../coverage/value-profile.js';
import { pairKey } from '../mutator/cmp-encode.js';
import { i2sCandidates } from '../mutator/i2s.js';

/** The last comparison table received per target, with its version (and its pairs' keys, once needed). */
interface HeldTable {
  version: number;
  comparisons: ComparePair[];
  keys?: Set<string>;
}
const tables = new Map<string, HeldTable>();

/** I2S candidates tried per new input. Chosen by hand; revisit with bench/. */
const I2S_CANDIDATES = 128;
/** Levels of input-to-state applied to inputs that input-to-state itself found. */
const I2S_DEPTH = 4;
/** Compare operand pairs a job sends back at most. */
const MAX_PAIRS_PER_JOB = 512;
import {
  ASYNC_SETTLE_MS, ASYNC_SUSPECTS, TIMER_BUDGET_MS, jobMutatorOptions, targetKey, timerWindowMs, type DrainJob, type ExitPlace, type FailureInfo, type FromWorker, type FuzzJob, type RunJob, type StableCoverage, type TargetInfo,
  type ToWorker, type WorkerConfig,
} from './protocol.js';

interface ThreadData {
  config: WorkerConfig;
  inflight: Int32Array;
  /** The process's candidate file, opened by the supervisor (WorkerConfig.candidateFile). */
  candidateFd: number | undefined;
}

const { config, inflight, candidateFd } = workerData as ThreadData;
/** Where each candidate is recorded before it runs, for a death that takes the process (fuzz workers only). */
const candidateFile = candidateFd !== undefined ? new CandidateFile(candidateFd) : undefined;
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

/**
 * What the running input printed (process.stdout/stderr writes, console and t.log lines
 * included, in order), kept here for its failure report: the thread's stdio reaches the
 * supervisor asynchronously, after the report itself. Keyed by the in-flight job and index (a
 * write from another input starts over). The writes still go through (--stream-output shows them
 * live). Costs nothing unless the target writes.
 */
const printed = new OutputTail();
let printedBy = { job: -1, index: -1 };
function capture(text: string): void {
  const job = inflight[SLOT_JOB];
  const index = inflight[SLOT_INDEX];
  if (job !== printedBy.job || index !== printedBy.index) {
    printedBy = { job, index };
    printed.clear();
  }
  printed.push(text);
}
function captureWrites(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (...a: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    try {
      capture(typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : String(chunk));
    } catch {
      // capturing must never break a write
    }
    return write(chunk, ...rest);
  }) as typeof stream.write;
}
captureWrites(process.stdout);
captureWrites(process.stderr);
TContext.sink = (line) => {
  capture(line + '\n');
  return true;
};
/** `failure` with what input `index` (1-based, as in the in-flight slot) of job `job` printed. */
const withOutput = (failure: FailureInfo, job: number, index: number): FailureInfo => {
  if (printedBy.job === job && printedBy.index === index) failure.output = joinOutput(failure.output, printed.take().replace(/\n$/, ''));
  return failure;
};

const realExit = process.exit.bind(process);
// process.abort() only throws inside a worker thread; make it end the thread and say so, even when
// the target catches errors.
process.abort = (() => {
  Atomics.store(inflight, SLOT_ABORTED, 1);
  realExit(134);
}) as typeof process.abort;
/**
 * A frame of an input's own call running: the target (callTarget), its cleanups (runCleanups, and
 * finishCleanups once one of them was asynchronous).
 */
const IN_INPUT_CALL = /\bat (?:callTarget|runCleanups|finishCleanups) \([^)]*[\\/]target[\\/]harness\.[jt]s:\d+:\d+\)/; // .ts when source-mapped
/**
 * A frame of what awaits an input's promise or its asynchronous cleanups. V8 lists the async
 * functions awaiting the code that runs (`at async asyncLoop`) as long as the chain of awaits
 * (and promises returned from then-callbacks) is unbroken: code resuming after an await in the
 * input's own chain shows them, a timer or an event handler does not.
 */
const AWAITED_BY_INPUT = /\bat async (?:asyncLoop|runSingleInput|finishCleanups) \([^)]*[\\/](?:engine[\\/]exec-thread|target[\\/]harness)\.[jt]s:\d+:\d+\)/;
/** The whole stack here, however deep (an input's frames may be far below a deep recursion). */
function fullStack(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = Infinity;
  try {
    return new Error().stack ?? '';
  } finally {
    Error.stackTraceLimit = limit;
  }
}
/**
 * Where a process.exit() call belongs (see ExitPlace). An input runs from its call until its
 * promise settled and its cleanups ended; past an await its frames are no longer on the stack,
 * so the harness counts the inputs pending (pendingInputs). An exit while none is pending comes
 * from a callback an input left behind. While one is, the exit is its own when:
 * - its frames or those awaiting it are on the stack (code resuming in its chain of awaits);
 * - the callback's context names it (inputs judged alone, async-check: `origins`); a context
 *   naming another input makes it that input's callback;
 * - nothing else can have left the callback: a job of one input (a context lost on the way is
 *   taken as the current input's, as for errors).
 * What remains is a callback (a timer, an event) firing while a fuzz batch's input is pending
 * with no context (fuzz batches run without one, for speed): it may be that input's own, which
 * it may be awaiting (recording the exit and unwinding the callback would leave the input
 * hanging, reported as a timeout), or one an earlier input left (ending the thread would blame
 * the input in flight, which does not fail again alone). 'unknown': the thread ends, and the
 * coordinator searches the batch with contexts on, which names the input either way.
 */
function exitPlace(): ExitPlace {
  const stack = fullStack();
  if (IN_INPUT_CALL.test(stack)) return 'call';
  if (pendingInputs.count === 0) return 'callback';
  const origin = origins.getStore();
  if (origin !== undefined) return origin === runningOrigin ? 'call' : 'callback';
  if (AWAITED_BY_INPUT.test(stack)) return 'call';
  return inBatch ? 'unknown' : 'call';
}
// process.exit() inside an input's call ends the thread; say where it was called from first
// (messages posted before the thread exits reach the supervisor before its exit event), so the
// report shows the call and names the input in flight (or, place 'unknown', has the coordinator
// search the batch). Called from a callback after its input returned (a timer, a promise job; the
// input in flight may be another one), it is an asynchronous failure instead, traced to its input
// like an error thrown there (asyncOrigin, the coordinator's culprit search): it is recorded and
// the callback unwound (ExitSignal).
process.exit = ((code?: number | string | null) => {
  const stack = new Error('process.exit').stack ?? '';
  // (An exit while the fuzz files load ends the thread, named as such by the supervisor.)
  const place = targetsReady ? exitPlace() : 'call';
  if (place === 'callback') {
    const n = code === undefined || code === null ? 0 : Number(code) | 0;
    recordAsync(exitFailure(n, stack, 'callback'), origins.getStore());
    throw new ExitSignal(n);
  }
  post({ kind: 'exiting', stack, place });
  realExit(code ?? undefined);
}) as typeof process.exit;
/** Set once the fuzz files have loaded (an exit while loading ends the thread, named as such). */
let targetsReady = false;
/** Whether the job running is a fuzz batch (inputs one after another, in no context: exitPlace). */
let inBatch = false;

/**
 * Errors target code raises after its call returned — thrown in a timer or other callback, or a
 * promise rejected with no handler — are caught here instead of ending the thread. The first one
 * waits in `asyncError` until the job it surfaced in reports it: a single input as its own failure
 * (after letting pending callbacks run), a batch with its job-done (the coordinator then finds the
 * input, see FuzzJob.asyncCheck). tsfuzz's own errors are marked (`internal`) and still end the thread.
 */
let asyncError: FailureInfo | undefined;
/**
 * Where a callback was created, for inputs judged on their own (RunJob.isolate, asyncCheck; never
 * in fuzz batches: once a context has been entered, Node 20 runs a hook for every promise): the
 * job, the input's index in it (-1: the job's one input) and its target. An error raised by a
 * callback of another job is a stray, kept for that job (StrayFailure); one of this job names its
 * input exactly (`asyncOrigin`), however late it surfaces; one without a context is taken as the
 * current input's. Each is judged by its input's target (its f.expect), not the running one's.
 */
interface Origin {
  job: number;
  index: number;
  target: RegisteredTarget;
}
const origins = new AsyncLocalStorage<Origin>();
/** The job whose single inputs run now (origins of other jobs are strays), if any. */
let originJob: number | undefined;
/** The context of the input judged alone running now (its callbacks' origin), if any. */
let runningOrigin: Origin | undefined;
/** The origin of asyncError, when it came from a callback created by a single input. */
let asyncOrigin: Origin | undefined;
/** The target of the job running (or last run), whose expected errors an asynchronous one may be. */
let currentTarget: RegisteredTarget | undefined;
const ours = new WeakSet<object>();
function internal(e: unknown): object {
  const err = e !== null && typeof e === 'object' ? e : new Error(String(e));
  ours.add(err);
  return err;
}
/** Later asynchronous failures with asyncError's signature (counted as repeats; others are dropped). */
let asyncRepeats = 0;
/**
 * Which asynchronous failures the job running holds in asyncError (FuzzJob.knownAsync,
 * asyncCheck.signature); the others are counted in `passedOver`, by signature.
 */
let asyncWanted: (signature: string) => boolean = () => true;
const passedOver = new Map<string, number>();
/** The first failure passed over (RunJob.wantAsync: the run's failure if the wanted one does not come). */
let firstPassedOver: FailureInfo | undefined;
/** Counts `n` asynchronous failures like `f` that the job running does not hold (asyncWanted). */
function passOver(f: FailureInfo, n = 1): void {
  passedOver.set(f.signature, (passedOver.get(f.signature) ?? 0) + n);
  firstPassedOver ??= f;
}
/** Back to holding every asynchronous failure (the end of a job that chose). */
function wantAllAsync(): void {
  asyncWanted = () => true;
  passedOver.clear();
  firstPassedOver = undefined;
}
function onAsyncError(e: unknown, rejected: boolean): void {
  alive(); // a flood of late callbacks is not a hang
  if (e !== null && typeof e === 'object' && ours.has(e)) throw e; // ends the thread, as before
  if (e instanceof ExitSignal) return; // recorded by process.exit()
  // Code that listens for these itself has taken them over (Node would not end the process either).
  if (process.listenerCount(rejected ? 'unhandledRejection' : 'uncaughtException') > 1) return;
  const origin = origins.getStore();
  recordAsync(describeAsyncError(origin?.target ?? currentTarget, e, rejected), origin);
}
/**
 * Earlier jobs whose input's callback failed after the job ended (StrayFailure), sent since the
 * last result: one stray per earlier job and result.
 */
const strayJobs = new Set<number>();
/** Keeps the first asynchronous failure (`f`; undefined: none) raised by a callback of `origin`. */
function recordAsync(f: FailureInfo | undefined, origin: Origin | undefined): void {
  // A callback of another job's input is a stray: that input's run has ended, so its failure is
  // that input's, reported late (it is not the input in flight's).
  if (origin !== undefined && origin.job !== originJob) {
    if (f && !strayJobs.has(origin.job)) {
      strayJobs.add(origin.job);
      post({ kind: 'stray', stray: { jobId: origin.job, failure: f } });
    }
    return;
  }
  if (f !== undefined && !asyncWanted(f.signature)) {
    passOver(f);
    return;
  }
  if (asyncError === undefined) {
    asyncError = f;
    asyncOrigin = origin;
    asyncRepeats = 0;
  } else if (f?.signature === asyncError.signature) asyncRepeats++;
}
process.on('uncaughtException', (e) => onAsyncError(e, false));
process.on('unhandledRejection', (e) => onAsyncError(e, true));
/** Resolves once the callbacks pending now (and rejections without a handler) have run. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits, a millisecond at a time with a sign of life each (run it settling), while `pending()` and until `deadline`. */
async function waitWhile(pending: () => boolean, deadline: number): Promise<void> {
  while (pending() && Date.now() < deadline) {
    await sleep(1);
    alive();
  }
}
/** A sign of life while settling (SLOT_SETTLING); nothing while an input runs. */
function alive(): void {
  if (Atomics.load(inflight, SLOT_SETTLING) > 0) Atomics.add(inflight, SLOT_SETTLING, 1);
}
/**
 * Runs `wait` (a wait for callbacks inputs left behind, never an input) with SLOT_SETTLING set, so
 * the watchdog does not charge its time to the input in the in-flight slot.
 */
async function settling(wait: () => Promise<void>): Promise<void> {
  Atomics.store(inflight, SLOT_SETTLING, 1);
  try {
    await wait();
  } finally {
    Atomics.store(inflight, SLOT_SETTLING, 0);
  }
}
/** Timers keeping this thread's event loop alive (unref'd ones are not counted). */
const activeTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
/**
 * Timers (async ids) that the isolated inputs running now created, unref'd ones included, until
 * they fire or are cleared (an interval: until it first fires): what settleTimers waits for. Only
 * timers due within `timerWindow` (TIMER_BUDGET_MS, or timerWindowMs where a late failure is
 * looked for) count: one set for later (a cache's expiry, a retry in a minute) cannot fire while
 * the input is judged, so waiting for it would only slow the run down. Tracked by an async hook
 * installed with the first isolated input (only on workers that judge inputs alone, never on fuzz
 * workers), which also records where each callback comes from (noteCallback).
 */
const inputTimers = new Set<number>();
const inputIntervals = new Set<number>();
let timerWindow = 0;
let timerHook: AsyncHook | undefined;
/**
 * Timers that isolated inputs created while their job ran, due within timerWindowMs (the latest a
 * late failure is looked for), until they fire or are cleared (an interval: until it first
 * fires), with the job whose input created each: what a drain (DrainJob) waits for once the
 * inputs have been judged.
 */
const leftTimers = new Map<number, number>();
const leftIntervals = new Set<number>();
/** Whether a Timeout resource is due within `windowMs` (its delay unknown: assume so). */
function dueWithin(timer: object, windowMs: number): boolean {
  const delay = (timer as { _idleTimeout?: unknown })._idleTimeout; // Node's Timeout, since v0.x
  return typeof delay !== 'number' || delay <= windowMs;
}
function trackInputTimers(windowMs: number): void {
  timerWindow = windowMs;
  inputTimers.clear();
  inputIntervals.clear();
  timerHook ??= createHook({
    init(id, type, _trigger, resource) {
      // Only timers of the job running (its input, or its callbacks while it is judged): a
      // callback that re-arms itself after its input was judged is not waited for again.
      if (type !== 'Timeout' || originJob === undefined || origins.getStore()?.job !== originJob) return;
      const repeats = (resource as { _repeat?: unknown })._repeat;
      if (dueWithin(resource, timerWindowMs(config.timeoutMs))) {
        leftTimers.set(id, originJob);
        if (repeats) leftIntervals.add(id);
      }
      if (!dueWithin(resource, timerWindow)) return;
      inputTimers.add(id);
      if (repeats) inputIntervals.add(id);
    },
    before(id) {
      if (inputIntervals.delete(id)) inputTimers.delete(id);
      if (leftIntervals.delete(id)) leftTimers.delete(id);
      noteCallback(origins.getStore());
    },
    after() {
      noteCallback(undefined);
    },
    destroy(id) {
      inputTimers.delete(id);
      leftTimers.delete(id);
      leftIntervals.delete(id);
    },
  });
  timerHook.enable();
}
/**
 * Records in the in-flight slots which input the callback about to run comes from (undefined:
 * none, or the callback ended), so that the supervisor can name it if the callback hangs
 * (SLOT_CALLBACK_JOB). Callbacks of earlier jobs keep their job's id: the coordinator knows them.
 */
function noteCallback(o: Origin | undefined): void {
  Atomics.store(inflight, SLOT_CALLBACK_JOB, o ? o.job : 0);
  Atomics.store(inflight, SLOT_CALLBACK_INDEX, o ? Math.max(o.index, 0) + 1 : 0);
}
/**
 * Stops tracking (after an async check on a fuzz worker: an enabled hook would run for every
 * promise and timer of the batches that follow).
 */
function untrackInputTimers(): void {
  timerHook?.disable();
  noteCallback(undefined);
  inputTimers.clear();
  inputIntervals.clear();
  leftTimers.clear();
  leftIntervals.clear();
}
/**
 * Lets the callbacks isolated inputs left pending run, then waits at least `minMs` and while
 * timers they created are pending (those are due within the window), so that what they throw is
 * their failure; stops at the first such error. Settling (the watchdog sees each wake). Costs
 * nothing for inputs that leave no timer.
 */
async function settleTimers(minMs = 0): Promise<void> {
  await settling(async () => {
    await nextTurn();
    const started = Date.now();
    const deadline = started + timerWindow;
    await waitWhile(() => asyncError === undefined && (Date.now() < started + minMs || inputTimers.size > 0), deadline);
  });
  inputTimers.clear();
  inputIntervals.clear();
}

const cov: CoverageRuntime | undefined = config.instrument ? installCoverageRuntime() : undefined;
/** Compare operands (input-to-state), recorded through the runtime's compare hook. */
const trace = cov && config.compareTracing ? new CompareTrace() : undefined;
const vp = cov && config.valueProfile ? new ValueProfileMap() : undefined;
/** How rare the paths of each batch's inputs are, for the schedule (job-done's novelty). */
const paths = cov ? new PathFrequency() : undefined;
if (cov && vp) cov.cmp = vp.hook(trace?.record);
else if (cov && trace) cov.cmp = trace.record;
/** Coverage the coordinator has already seen, per target and local edge: bucket bits. */
const masks = new Map<string, Uint8Array>();
let mask: Uint8Array = new Uint8Array(0);
/** Value-profile features the coordinator has already seen, per target (only with --value-profile). */
const vpMasks = new Map<string, Uint8Array>();
let vpMask: Uint8Array = new Uint8Array(0);
function useMask(target: string): void {
  let m = masks.get(target);
  if (!m) masks.set(target, (m = new Uint8Array(cov ? cov.capacity : 0)));
  mask = m;
  if (vp) {
    let v = vpMasks.get(target);
    if (!v) vpMasks.set(target, (v = new Uint8Array(vp.capacity)));
    vpMask = v;
  }
}

/** Reads and clears the value-profile features of the last execution; returns the new ones as stable keys. */
function takeValueProfile(markSeen: boolean): string[] {
  const out: string[] = [];
  if (!vp) return out;
  const { T } = vp;
  for (let i = 1, n = T[0]; i <= n; i++) {
    const f = T[i];
    if (vpMask[f] !== 0) continue;
    const key = valueProfileKey(cov!, f);
    if (key === undefined) continue;
    out.push(key);
    if (markSeen) vpMask[f] = 1;
  }
  vp.reset();
  return out;
}

const targets = new Map<string, RegisteredTarget>();
/** What a fuzz batch's `call` returns for an input whose call threw (never a target's value). */
const THREW: unknown = Symbol('threw');
const NO_FEATURES: readonly string[] = [];

/** Coverage modules already named to the coordinator (ready, job-done). */
let modulesSaid = 0;
/** Files instrumented since the last call, if any. */
function newlyInstrumented(): string[] | undefined {
  if (!cov || cov.modules.length === modulesSaid) return undefined;
  const keys = cov.modules.slice(modulesSaid).map((m) => m.key);
  modulesSaid = cov.modules.length;
  return keys;
}

async function start(): Promise<void> {
  try {
    registerLoader({
      instrument: config.instrument,
      include: config.include,
      exclude: config.exclude,
      cacheDir: config.instrumentCacheDir,
    });
    const loaded = await loadFuzzFiles(config.files, (file) => post({ kind: 'loading', file }));
    const infos: TargetInfo[] = [];
    for (const t of loaded) {
      targets.set(targetKey(t.file, t.name), t);
      infos.push({
        name: t.name, file: t.file, kinds: [...t.kinds], seeds: t.seeds, errors: t.errors, dictionary: t.dictionary,
      });
    }
    cov?.reset(); // edges hit while modules loaded are not coverage of any input
    targetsReady = true;
    post({
      kind: 'ready', targets: infos, edges: cov?.totalEdges ?? 0, literals: cov ? [...new Set([...cov.literals.values()].flat())] : [],
      instrumented: newlyInstrumented() ?? [],
    });
  } catch (e) {
    post({ kind: 'load-error', message: errorMessage(e) });
  }
}

/**
 * Reads and clears the coverage of the last execution. Returns its new (edge, bits) pairs, or
 * null when nothing is new (the common case, which allocates nothing).
 */
function takeCoverage(): number[] | null {
  return cov!.take(mask);
}

function stable(found: number[], markSeen: boolean): StableCoverage {
  const out: StableCoverage = [];
  for (let i = 0; i < found.length; i += 2) {
    const key = cov!.stableEdge(found[i]);
    if (key !== undefined) out.push([key, found[i + 1]]);
    if (markSeen) mask[found[i]] |= found[i + 1];
  }
  return out;
}

/** Per target: entries of the coordinator's coverage log this thread has applied to its mask. */
const maskApplied = new Map<string, number>();

function applyMaskDelta(target: string, from: number, delta: StableCoverage): void {
  maskApplied.set(target, from + delta.length); // entries sent again are merged again (bits are OR-ed)
  if (!cov) return;
  for (const [key, bits] of delta) {
    if (key.startsWith('vp:')) {
      const f = vp ? localValueProfileFeature(cov, key) : undefined;
      if (f !== undefined) vpMask[f] = 1;
      continue;
    }
    const k = cov.localEdge(key);
    if (k !== undefined) mask[k] |= bits;
  }
}

// ---------------------------------------------------------------------------------------------
// Fuzz batches

/** Per target: the corpus entries received so far for splicing (FuzzJob.splice). */
const splicePools = new Map<string, Value[][]>();

/** The job's splice pool: what this thread kept for the target, cut to `from`, plus `add`. */
function splicePoolFor(job: FuzzJob): Value[][] {
  let pool = splicePools.get(job.target);
  if (!pool) splicePools.set(job.target, (pool = []));
  const { from, add, size } = job.splice;
  pool.length = from; // never longer than the pool (isStale)
  for (const v of add) pool.push(v);
  if (pool.length !== size) throw new Error(`internal: splice pool of ${pool.length} entries, job expects ${size}`);
  return pool;
}

/**
 * The compare pairs a job sends back: the newest MAX_PAIRS_PER_JOB that the table this thread
 * holds lacks, each once. (The coordinator ignores pairs its table has; sending them cost more
 * than deriving their keys here: most of a batch's pairs repeat the table once it has filled.)
 */
function pairsToSend(pairs: readonly ComparePair[], held: HeldTable): ComparePair[] {
  const inTable = (held.keys ??= new Set(held.comparisons.map(pairKey)));
  const seen = new Set<string>();
  const out: ComparePair[] = [];
  for (let i = pairs.length - 1; i >= 0 && out.length < MAX_PAIRS_PER_JOB; i--) {
    const k = pairKey(pairs[i]);
    if (inTable.has(k) || seen.has(k)) continue;
    seen.add(k);
    out.push(pairs[i]);
  }
  return out.reverse();
}

/**
 * Whether `job`'s deltas assume state this thread does not hold (see FromWorker 'stale'). A job
 * sent whole (deltas from 0, the table itself) is never stale, so a re-sent job always runs.
 */
function isStale(job: FuzzJob): boolean {
  if (job.coverage && job.maskFrom > (maskApplied.get(job.target) ?? 0)) return true;
  if (job.splice.from > (splicePools.get(job.target)?.length ?? 0)) return true;
  return job.comparisons === 'kept' && tables.get(job.target)?.version !== job.comparisonsVersion;
}

/**
 * Input `i` of a batch: the mutator's next input (lent), recorded as the one in flight, with `t`
 * fresh. A function of its parameters, not a closure of the job, so that the fuzz loop's call
 * inlines with the loop's locals (see runFuzzJob's loop).
 */
function beginInput(m: Mutator, i: number, t: TContext, safe: SafeFile | undefined): readonly Value[] {
  const args = m.nextLent();
  inflight[SLOT_INDEX] = i + 1; // a plain store, no fence: see inflight.ts
  if (safe) safe.write(i + 1);
  trace?.startExec();
  t.reset();
  return args;
}

/** Input `i`'s path, counted for the schedule when `i` is one of the batch's sampled executions. */
function samplePath(c: CoverageRuntime, i: number): void {
  if (paths!.sampled(i)) paths!.observe(c.T, c.C);
}

function runFuzzJob(job: FuzzJob): void | Promise<void> {
  const target = targets.get(job.target);
  if (!target) throw new Error(`internal: unknown target ${job.target}`);
  if (isStale(job)) {
    post({ kind: 'stale', jobId: job.jobId });
    return;
  }
  currentTarget = target;
  useMask(job.target);
  if (job.coverage) applyMaskDelta(job.target, job.maskFrom, job.maskDelta);
  // The same table object as last time when it did not change, so the mutator's material
  // derived from it (cached per array) is reused instead of rebuilt for every batch.
  let held = tables.get(job.target);
  if (job.comparisons !== 'kept' && held?.version !== job.comparisonsVersion) {
    tables.set(job.target, (held = { version: job.comparisonsVersion, comparisons: job.comparisons }));
  }
  if (!held) throw new Error('internal: no comparison table'); // 'kept' with no table is stale (isStale)
  const options = jobMutatorOptions(job, held.comparisons);
  const splicePool = splicePoolFor(job);
  if (job.asyncCheck) return runAsyncCheck(job, target, options, splicePool, job.asyncCheck);
  const known = new Set(job.knownAsync);
  asyncWanted = (signature) => !known.has(signature);
  // One that surfaced between batches (a timer of the last one) is counted, not held, too.
  if (asyncError !== undefined && known.has(asyncError.signature)) {
    passOver(asyncError, 1 + asyncRepeats);
    asyncError = undefined;
  }
  paths?.startBatch(job.limit); // this batch's novelty starts from nothing; its sampling stride
  const mutator = new Mutator(target.kinds, options);
  mutator.setSplicePool(splicePool);
  mutator.start(job.base, job.seed);
  trace?.reset();
  /** Compare operands recorded during this job, sent with job-done for later batches' tables. */
  const batchPairs: ComparePair[] = [];
  /** Executions outside the mutator's sequence (new-input minimization, I2S); they come out of the limit. */
  let extra = 0;
  const safe = job.safeFile ? new SafeFile(job.safeFile) : undefined;
  const timersAtStart = activeTimers();
  const t = new TContext(target.name);
  const fn = target.fn;
  const limit = job.limit;
  const useCov = job.coverage && cov !== undefined;
  if (cov) cov.reset();
  let failures = 0;
  let stopped = false;
  const reported = new Map<string, number>();

  // Rebuilds the input just executed from its chain's start (≤ 5 mutation steps) in a second
  // mutator, so reporting an input costs nothing like replaying the batch from its beginning.
  let shadow: Mutator | undefined;
  const replay = (index: number): Value[] => {
    if (index !== mutator.count - 1) {
      return replayInput(target.kinds, options, splicePool, job.base, job.seed, index);
    }
    if (!shadow) {
      shadow = new Mutator(target.kinds, options);
      shadow.setSplicePool(splicePool);
      shadow.start(job.base, job.seed);
    }
    return shadow.rebuild(mutator.checkpoint());
  };

  let failedIndex = -1;
  const onFailure = (index: number, failure: FailureInfo) => {
    failures++;
    failedIndex = index;
    const seen = reported.get(failure.signature);
    if (seen === undefined) {
      reported.set(failure.signature, 0);
      post({ kind: 'failure', jobId: job.jobId, index, values: replay(index), failure: withOutput(failure, job.jobId, index + 1) });
    } else {
      reported.set(failure.signature, seen + 1);
    }
    if (job.stopOnFailure) stopped = true;
  };

  // Reads the coverage of input `index`; a new input is minimized (unless this is a replay) and
  // reported. Returns a promise only while minimizing, so the usual path stays synchronous.
  const afterExec = (index: number): void | Promise<void> => {
    if (!useCov) return;
    if (cov!.T[0] === 0 && (!vp || vp.T[0] === 0)) return;
    samplePath(cov!, index);
    if (failedIndex === index) {
      cov!.reset(); // a failing input is a finding, not a corpus entry
      vp?.reset();
      return;
    }
    const found = takeCoverage();
    const newFeatures = vp ? takeValueProfile(true) : NO_FEATURES;
    if (found === null && newFeatures.length === 0) return;
    return onNew(index, found, newFeatures);
  };
  // The rare path of afterExec, kept out of it so the per-execution part stays small.
  const onNew = (index: number, found: number[] | null, newFeatures: readonly string[]): void | Promise<void> => {
    const newEdges = found !== null;
    const coverage = found !== null ? stable(found, true) : [];
    for (const key of newFeatures) coverage.push([key, 1]);
    const values = replay(index);
    if (!job.minimizeNew && !trace) {
      post({ kind: 'interesting', jobId: job.jobId, index, values, coverage });
      return;
    }
    return (async () => {
      Atomics.store(inflight, SLOT_MINIMIZING, 1);
      let input = values;
      // (An input new only by value profile is kept as is: shrinking it would lose its closeness.)
      if (job.minimizeNew && newEdges) {
        // Its executions are counted like any other (so are Go's) and come out of the batch's limit;
        // it gets its whole budget even near the limit (the batch may end up to that many over
        // it), except in the batch that spends the rest of an execution budget.
        const room = job.lastOfBudget ? limit - mutator.count - extra : Infinity;
        const shrunk = await shrinkInteresting(target, cov!, values, found!, announce, room);
        input = shrunk.values;
        extra += shrunk.execs;
      }
      post({ kind: 'interesting', jobId: job.jobId, index, values: input, coverage });
      if (trace) await solveComparisons(input);
      endCandidates();
    })();
  };
  /** The last inputs run outside the sequence: where to look when an asynchronous failure is not in it. */
  const suspects: Value[][] = [];
  // Each candidate is named before it runs: to the supervisor (a thread death), and in the
  // process's candidate file (a process death, which takes the supervisor too).
  const announce = (candidate: Value[]) => {
    candidateFile?.write(job.jobId, mutator.count + extra, candidate);
    post({ kind: 'candidate', values: candidate });
    if (suspects.push(candidate) > ASYNC_SUSPECTS) suspects.shift();
  };
  /** Back to the batch's sequence: no candidate runs (SLOT_MINIMIZING, the candidate file). */
  const endCandidates = () => {
    Atomics.store(inflight, SLOT_MINIMIZING, 0);
    candidateFile?.clear(job.jobId);
  };

  /**
   * The input-to-state stage (RedQueen's idea), run right away for each new input: learn what it
   * compares, then try the inputs that would make those comparisons come out the other way
   * (i2s.ts). Candidates that reach new coverage or fail are reported like any input. Their
   * executions come out of the batch's limit.
   */
  const solveComparisons = async (first: Value[]): Promise<void> => {
    // New inputs found here are solved in turn (a chain of comparisons, one after the other),
    // up to I2S_DEPTH levels, all within the batch's limit.
    const work: Array<{ input: Value[]; depth: number }> = [{ input: first, depth: 0 }];
    while (work.length > 0 && !stopped) {
      if (job.lastOfBudget && limit - mutator.count - extra <= 0) return; // not one execution past the budget
      const { input, depth } = work.shift()!;
      batchPairs.push(...trace!.takeNew());
      trace!.reset();
      cov!.reset();
      const probe = await runInThread(target, input, announce);
      extra++;
      const pairs = trace!.takeNew();
      batchPairs.push(...pairs);
      cov!.reset();
      if (probe.failure || pairs.length === 0) continue;
      const budget = Math.min(I2S_CANDIDATES, limit - mutator.count - extra);
      if (budget <= 0) return;
      for (const candidate of i2sCandidates(target.kinds, input, pairs, job.maxLen, budget)) {
        if (stopped) return;
        cov!.reset();
        const r = await runInThread(target, candidate, announce);
        extra++;
        if (r.failure) {
          failures++;
          if (!reported.has(r.failure.signature)) {
            reported.set(r.failure.signature, 0);
            post({ kind: 'failure', jobId: job.jobId, index: -1, values: candidate, failure: withOutput(r.failure, job.jobId, inflight[SLOT_INDEX]) });
          }
          if (job.stopOnFailure) stopped = true;
          cov!.reset();
          continue;
        }
        const fresh = takeCoverage();
        if (fresh !== null) {
          post({ kind: 'interesting', jobId: job.jobId, index: -1, values: candidate, coverage: stable(fresh, true) });
          if (depth + 1 < I2S_DEPTH) work.push({ input: candidate, depth: depth + 1 });
        }
      }
    }
  };

  /** When the batch's first execution started (after the job's setup), for runMs. */
  let startedAt = 0;
  const finish = async (): Promise<void> => {
    const runMs = performance.now() - startedAt;
    safe?.close();
    // Callbacks and rejections the batch left pending run first, and timers already due when
    // it left some, so that their errors surface in this batch (a turn of the event loop, and
    // ~1 ms only for targets that leave timers). Settling: earlier batches' late timers may fire
    // here in a flood, which is not the last input running.
    await settling(async () => {
      await nextTurn();
      if (activeTimers() > timersAtStart) await sleep(1);
    });
    const repeats: Record<string, number> = {};
    for (const [sig, n] of reported) if (n > 0) repeats[sig] = n;
    const asyncFailure = asyncError;
    asyncError = undefined;
    if (asyncFailure && asyncRepeats > 0) repeats[asyncFailure.signature] = (repeats[asyncFailure.signature] ?? 0) + asyncRepeats;
    for (const [sig, n] of passedOver) repeats[sig] = (repeats[sig] ?? 0) + n;
    wantAllAsync();
    const execs = mutator.count + extra;
    mutator.dispose(); // (its WebAssembly memory, now rather than when collected)
    shadow?.dispose();
    post({
      kind: 'job-done', jobId: job.jobId, execs, runMs, failures, repeats,
      edges: cov?.totalEdges ?? 0, comparisons: trace ? pairsToSend([...batchPairs, ...trace.takeNew()], held) : [],
      novelty: paths?.takeBatchNovelty(), asyncFailure, asyncSuspects: asyncFailure ? suspects : undefined, instrumented: newlyInstrumented(),
    });
  };

  /**
   * After input `index` returned or threw (`failed`: it failed already): its cleanups, whatever
   * it did (one that throws fails it unless it failed already), then a t.fail() the target
   * swallowed. A promise only while cleanups are asynchronous.
   */
  const ended = (index: number, failed: boolean, rejected: boolean): void | Promise<void> => {
    if (t.cleanups) return endWithCleanups(index, failed, rejected);
    if (!failed && t.state === 1) onFailure(index, describeError(t, undefined, rejected));
  };
  const endWithCleanups = (index: number, failed: boolean, rejected: boolean): void | Promise<void> => {
    const cleanupFailed = (e: unknown, asyncCleanup: boolean) => {
      if (!failed) onFailure(index, describeError(t, e, asyncCleanup));
    };
    try {
      const c = runCleanups(t);
      if (c) return c.then(() => ended(index, failed, rejected), (e: unknown) => cleanupFailed(e, true));
    } catch (e) {
      return cleanupFailed(e, false);
    }
    return ended(index, failed, rejected);
  };

  /** The error of the last call that threw (call), until failedBy() takes it. */
  let thrown: unknown;
  /**
   * Whether `e`, which input `i`'s call threw or (`settled`) its promise rejected with, fails it
   * (then reported).
   */
  const failedBy = (i: number, e: unknown, settled: boolean): boolean => {
    thrown = undefined; // (not kept alive for the rest of the batch)
    const failed = verdictOfError(t, target, e) === Verdict.Fail;
    if (failed) onFailure(i, describeError(t, e, settled));
    return failed;
  };
  /** The rest of input `i` once judged (`failed`; `settled`: its promise settled): ended, then its coverage. */
  const after = (i: number, failed: boolean, settled: boolean): void | Promise<void> => {
    const c = ended(i, failed, settled);
    if (c) return c.then(() => afterExec(i));
    return afterExec(i);
  };

  /** Input `i`'s call (beginInput): what it returned, or THREW with the error in `thrown`. */
  const call = (i: number): unknown => {
    const args = beginInput(mutator, i, t, safe);
    try {
      return callTarget(fn, t, args);
    } catch (e) {
      thrown = e;
      return THREW;
    }
  };

  /**
   * The synchronous fuzz loop. Its common case (the input returned, no cleanups, no t.fail(),
   * coverage without value profile) runs here, with the job's state in locals; anything else goes
   * through after(). (Reached through the closures' context instead, every use of the job's state
   * is a reload and a check again: V8 does not specialize a function of which each job makes a new
   * closure. Measured: tsfuzz on bench/targets/trivial.fuzz.ts, 6.11M against 6.98M executions a
   * second; a one-thread copy of this loop, 6.0M against 7.3M.)
   */
  const loop = (from: number): void | Promise<void> => {
    const m = mutator;
    const tc = t;
    const f = fn;
    const c = useCov && !vp ? cov : undefined;
    const seen = mask;
    for (let i = from; i + extra < limit && !stopped; i++) {
      const args = beginInput(m, i, tc, safe);
      let r: unknown;
      try {
        r = callTarget(f, tc, args);
      } catch (e) {
        const p = after(i, failedBy(i, e, false), false);
        if (p) return p.then(() => loop(i + 1));
        continue;
      }
      if (isThenable(r)) return asyncLoop(i, r);
      if (c !== undefined && tc.cleanups === null && tc.state !== 1) {
        // after(i)'s common case: nothing ended it, so only its coverage is read (no failure was
        // reported for i on this path, so afterExec's failedIndex test would be false).
        if (c.T[0] === 0) continue;
        samplePath(c, i);
        const found = c.take(seen);
        if (found === null) continue;
        const p = onNew(i, found, NO_FEATURES);
        if (p) return p.then(() => loop(i + 1));
        continue;
      }
      const p = after(i, false, false);
      if (p) return p.then(() => loop(i + 1));
    }
    return finish();
  };
  /**
   * The rest of the batch once input `i`'s call returned a promise (`pending`; an async target,
   * whose next inputs will too): each input's promise awaited in turn in this one loop, one await
   * per input. (Going back through loop() chained promises per input, each resolved by the next:
   * 0.94M against 2.8M executions per second on a trivial async target; a helper that awaited
   * the input's promise cost another promise and await per input: 2.5M against 3.5M.) Its name
   * is looked for on the stack: AWAITED_BY_INPUT.
   */
  const asyncLoop = async (i: number, pending: PromiseLike<unknown>): Promise<void> => {
    for (;;) {
      let failed = false;
      pendingInputs.count++; // the input runs until its promise settles (exitPlace)
      inflight[SLOT_AWAITING] = 1;
      try {
        await pending;
      } catch (e) {
        failed = failedBy(i, e, true);
      } finally {
        pendingInputs.count--;
        inflight[SLOT_AWAITING] = 0;
      }
      const rest = after(i, failed, true);
      if (rest) await rest;
      // The next inputs, up to the next one whose call returns a promise.
      for (;;) {
        if (!(++i + extra < limit && !stopped)) return finish();
        const r = call(i);
        if (r === THREW) {
          const p = after(i, failedBy(i, thrown, false), false);
          if (p) await p;
          continue;
        }
        if (isThenable(r)) {
          pending = r;
          break;
        }
        const p = after(i, false, false);
        if (p) await p;
      }
    }
  };
  startedAt = performance.now();
  if (job.solveBase && trace && useCov) {
    return (async () => {
      Atomics.store(inflight, SLOT_MINIMIZING, 1);
      await solveComparisons(job.base);
      endCandidates();
      cov!.reset();
      return loop(0);
    })();
  }
  return loop(0);
}

/**
 * FuzzJob.asyncCheck: inputs `from`..limit-1 of the batch, one at a time, each followed by a turn
 * of the event loop (so a rejection it leaves unhandled, or a callback it scheduled right away,
 * surfaces before the next input runs); then `endMs` more. The first asynchronous failure is
 * reported as a failure of the input it followed; synchronous failures are not reported again.
 */
async function runAsyncCheck(
  job: FuzzJob, target: RegisteredTarget, options: ReturnType<typeof jobMutatorOptions>, pool: Value[][], check: NonNullable<FuzzJob['asyncCheck']>,
): Promise<void> {
  const started = performance.now();
  const m = new Mutator(target.kinds, options);
  m.setSplicePool(pool);
  m.start(job.base, job.seed);
  m.skip(check.from);
  originJob = job.jobId;
  trackInputTimers(timerWindowMs(config.timeoutMs));
  // Timers still pending from earlier jobs fire (and are ignored, strays included: only regression
  // runs charge those) before the first input; settling, so that one of them that hangs is no
  // input's hang.
  const deadline = Date.now() + ASYNC_SETTLE_MS;
  await settling(() => waitWhile(() => activeTimers() > 0, deadline));
  asyncError = undefined; // what surfaced until now belongs to earlier jobs
  asyncWanted = (signature) => signature === check.signature;
  let failures = 0;
  // The input named by the failure's origin (exact), else the one it surfaced after (`at`).
  const report = (at: number, values: Value[]) => {
    failures++;
    const index = asyncOrigin?.index ?? at;
    if (index !== at) values = replayInput(target.kinds, options, pool, job.base, job.seed, index);
    post({ kind: 'failure', jobId: job.jobId, index, values, failure: asyncError!, exact: asyncOrigin !== undefined });
    asyncError = undefined;
  };
  // One turn after each input (its rejections and immediate callbacks); its timers need no wait
  // until the end: whenever they fire, their context names it. (Earlier inputs' timers may fire
  // in a flood during a turn: settling, not the input running.)
  let i = check.from;
  for (; i < job.limit && failures === 0; i++) {
    const values = m.next();
    Atomics.store(inflight, SLOT_INDEX, i + 1);
    runningOrigin = { job: job.jobId, index: i, target };
    await origins.run(runningOrigin, () => runSingleInput(target, values));
    runningOrigin = undefined;
    await settling(nextTurn);
    if (asyncError) report(i, values);
  }
  if (failures === 0 && job.limit > check.from) {
    await settleTimers(check.endMs); // the late timers too (timerWindowMs), settling
    if (asyncError) report(job.limit - 1, replayInput(target.kinds, options, pool, job.base, job.seed, job.limit - 1));
  }
  untrackInputTimers();
  asyncError = undefined;
  wantAllAsync();
  strayJobs.clear();
  originJob = undefined;
  m.dispose();
  post({
    kind: 'job-done', jobId: job.jobId, execs: i - check.from, runMs: performance.now() - started, failures, repeats: {},
    edges: cov?.totalEdges ?? 0, comparisons: [],
  });
}

// ---------------------------------------------------------------------------------------------
// Single inputs

async function runOneJob(job: RunJob): Promise<void> {
  const target = targets.get(job.target);
  if (!target) throw new Error(`internal: unknown target ${job.target}`);
  currentTarget = target;
  useMask(job.target);
  if (cov) cov.reset();
  Atomics.store(inflight, SLOT_INDEX, 1);
  asyncError = undefined; // surfaced between jobs: not this input's (its job has ended)
  const isolate = job.isolate === true;
  if (isolate) {
    originJob = job.jobId;
    trackInputTimers(job.timers === 'window' ? timerWindowMs(job.timeoutMs ?? config.timeoutMs) : TIMER_BUDGET_MS);
  }
  const want = job.wantAsync;
  if (want !== undefined) asyncWanted = (signature) => signature === want;
  const run = () => runSingleInput(target, job.values);
  runningOrigin = isolate ? { job: job.jobId, index: -1, target } : undefined;
  let { failure, skipped } = await (runningOrigin ? origins.run(runningOrigin, run) : run());
  runningOrigin = undefined;
  // Callbacks and rejections the input left pending run before it is judged, and (isolated)
  // the timers it created that are due within its wait (RunJob.timers; a wait the watchdog does
  // not charge to the input: settleTimers). Not after it failed already: nothing they do can
  // change its verdict (the first failure is the one reported), so a failing minimization
  // candidate or regression input costs no wait.
  if (isolate && !failure) await settleTimers();
  else await settling(nextTurn);
  const late = asyncError ?? firstPassedOver;
  if (!failure && late) {
    failure = late;
    skipped = false;
  }
  asyncError = undefined;
  wantAllAsync();
  originJob = undefined;
  // A failed input's later callbacks cannot change its verdict: no drain waits for its timers.
  if (failure) for (const [id, jobId] of leftTimers) if (jobId === job.jobId) leftTimers.delete(id);
  let coverage: StableCoverage | undefined;
  if (job.coverage && cov) coverage = stable(cov.takeAll(), true);
  post({
    kind: 'run-result', jobId: job.jobId, failure: failure && withOutput(failure, job.jobId, 1), skipped, coverage,
  });
  strayJobs.clear();
}

/** DrainJob: the timers earlier isolated inputs left fire (settling); their failures are strays. */
async function drain(job: DrainJob): Promise<void> {
  originJob = job.jobId; // every input callback is an earlier job's now
  const deadline = Date.now() + timerWindowMs(config.timeoutMs);
  await settling(async () => {
    await nextTurn();
    await waitWhile(() => leftTimers.size > 0, deadline);
  });
  asyncError = undefined; // raised outside any input's context: no input to charge it to
  originJob = undefined;
  post({ kind: 'run-result', jobId: job.jobId, failure: undefined, skipped: false, coverage: undefined });
  strayJobs.clear();
}

port.on('message', (msg: ToWorker) => {
  if (msg.kind !== 'job') return;
  const job = msg.job;
  Atomics.store(inflight, SLOT_JOB, job.jobId);
  Atomics.store(inflight, SLOT_INDEX, 0);
  Atomics.store(inflight, SLOT_SETTLING, 0);
  Atomics.store(inflight, SLOT_AWAITING, 0);
  noteCallback(undefined);
  Atomics.store(inflight, SLOT_BUSY, 1);
  inBatch = job.kind === 'fuzz' && job.asyncCheck === undefined;
  const done = () => Atomics.store(inflight, SLOT_BUSY, 0);
  try {
    const r = job.kind === 'fuzz' ? runFuzzJob(job) : job.kind === 'run' ? runOneJob(job) : drain(job);
    if (r) r.then(done, (e) => { done(); throw internal(e); });
    else done();
  } catch (e) {
    done();
    throw internal(e);
  }
});

void start();
