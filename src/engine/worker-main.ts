/**
 * [worker process: supervisor, main thread] Entry of every worker process. Starts the execution
 * thread (exec-thread.ts), relays jobs and events between it and the coordinator, and reports what
 * the thread cannot: that it exited (process.exit, abort, uncaught error), hung past the timeout
 * (with where it was spinning, hang-stack.ts), or went over the memory limit — with the exact
 * input, read from the in-flight slots. Then it starts a fresh thread; after a memory failure it
 * ends its process instead, so the next input starts with the memory of a fresh process (a
 * terminated thread's memory is not always returned at once, and a candidate must not be judged
 * out of memory because of its predecessor). It never runs user code, so its event loop is
 * always free.
 * Rule: this process never outlives the coordinator: when the IPC channel closes it kills itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { HEADLINE_SHOWN, MESSAGE_SHOWN, cleanStack, clip, failureSignature } from '../report/signature.js';
import { exitFailure, hangFailure, lateHangHeadline, simpleFailure } from '../target/harness.js';
import { formatDuration } from '../util/limits.js';
import { sampleHangStack } from './hang-stack.js';
import { OutputTail, joinOutput } from './output-tail.js';
import {
  SLOT_ABORTED, SLOT_AWAITING, SLOT_BUSY, SLOT_CALLBACK_INDEX, SLOT_CALLBACK_JOB, SLOT_INDEX, SLOT_JOB, SLOT_MINIMIZING, SLOT_SETTLING, createInflight,
} from './inflight.js';
import type { Value } from '../values/kinds.js';
import { ASYNC_SUSPECTS, type ExitPlace, type FailureInfo, type FromWorker, type Job, type LateCallback, type ToWorker, type WorkerConfig } from './protocol.js';

const config = JSON.parse(process.env.TSFUZZ_WORKER_CONFIG ?? 'null') as WorkerConfig | null;
if (!config || !process.send) {
  console.error('tsfuzz: the worker process is started by the tsfuzz command, not directly');
  process.exit(2);
}

// V8's optimizing compiler stops inlining into a function once it has inlined 920 bytes of
// bytecode (its default); the fuzz loop, with the mutator, the target and the instrumentation's
// counters and compare hooks inside it, reaches that with a trivial target. A larger budget
// measured +8-10% executions per second on bench/targets/trivial.fuzz.ts (1 worker; 2000, 4600
// and 9200 alike) and no change on a real parser (test/fixtures/thirdparty). V8 flags are
// per process and read when code is compiled, so this covers the execution thread started
// below; the flag exists in every V8 of Node 20 to 24 (an unknown one would only be reported).
setFlagsFromString('--max-inlined-bytecode-size-cumulative=2000');

const send = (m: FromWorker, cb?: () => void) => {
  if (process.connected) process.send!(m, undefined, {}, cb ? () => cb() : undefined);
  else cb?.();
};
const die = () => process.kill(process.pid, 'SIGKILL');

// Never outlive the coordinator; leave interrupts to it. A SIGTERM (from the target signalling
// its own process, or from outside) ends the process as by default, so that the coordinator
// sees that signal (a SIGKILL would read as the kernel's out-of-memory killer).
process.on('disconnect', die);
process.on('SIGINT', () => {});

const THREAD_ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'exec-thread.js');
const GRACE_MS = 1000;
const TICK_MS = 50;
/** Loading user code (and instrumenting it the first time) may take long; it is not an input. */
const LOAD_TIMEOUT_MS = Math.max(120_000, config.timeoutMs);

/**
 * This process's candidate file (inflight.ts, CandidateFile), opened here once for the process's
 * life, its descriptor handed to each execution thread: one a thread opened would stay open after
 * the thread was terminated (a descriptor belongs to the process), one per restart. Unusable
 * (its folder gone): candidates are then only announced, and a process death they cause is
 * replayed as before.
 */
let candidateFd: number | undefined;
try {
  if (config.candidateFile) candidateFd = fs.openSync(config.candidateFile, 'w');
} catch {
  candidateFd = undefined;
}

let inflight = createInflight();
let thread: Worker | undefined;
let loaded = false;
let currentJob: Job | undefined;
/** A job that arrived while a restarted thread was still loading. */
let queuedJob: ToWorker | undefined;
let restarts = 0;
/**
 * The last candidates announced, oldest first, with their job's target: the newest names the
 * input when a candidate kills the thread, and a callback any of them left may fail later.
 */
const recentCandidates: Array<{ target: string | undefined; values: Value[] }> = [];
/** Strays the thread sent while no job was in flight: they go to the coordinator with the next job. */
const heldStrays: FromWorker[] = [];
/** The fuzz file the execution thread is importing (names the file when loading dies). */
let loadingFile: string | undefined;
/** Set when we terminate the thread ourselves, with the failure to report (if any). */
let stopping: { failure: FailureInfo | undefined; index: number; late?: LateCallback; awaited?: boolean } | undefined;
/** Set while a hung thread's stack is being sampled (the watchdog waits). */
let sampling = false;
let lastError: unknown;
/** Where the thread called process.exit() and whose call it was (its 'exiting' message), until the thread is replaced. */
let exitCall: { stack: string; place: ExitPlace } | undefined;
/** What the thread printed since the last report (for the deaths this side reports). */
const output = new OutputTail();

function captureOutput(chunk: Buffer | string): void {
  const s = String(chunk);
  if (config!.streamOutput) process.stderr.write(s);
  output.push(s);
}

function takeOutput(): string {
  return output.take();
}

function startThread(): void {
  inflight = createInflight();
  loaded = false;
  lastError = undefined;
  exitCall = undefined;
  stopping = undefined;
  const limit = config!.memoryLimitMb;
  const t = new Worker(THREAD_ENTRY, {
    workerData: { config, inflight, candidateFd },
    execArgv: ['--enable-source-maps'],
    stdout: true,
    stderr: true,
    resourceLimits: limit > 0 ? { maxOldGenerationSizeMb: limit } : undefined,
  });
  thread = t;
  t.stdout.on('data', captureOutput);
  t.stderr.on('data', captureOutput);
  t.on('message', (m: FromWorker) => {
    if (t !== thread) return;
    if (m.kind === 'loading') {
      loadingFile = m.file;
      return;
    }
    if (m.kind === 'exiting') {
      exitCall = { stack: m.stack, place: m.place };
      return;
    }
    if (m.kind === 'stray') {
      if (currentJob) send(m);
      else heldStrays.push(m);
      return;
    }
    if (m.kind === 'candidate') {
      if (recentCandidates.push({ target: targetOf(currentJob), values: m.values as Value[] }) > ASYNC_SUSPECTS) recentCandidates.shift();
      lastChange = Date.now(); // each candidate is a new input for the hang watchdog
      return;
    }
    if (restarts > 0 && (m.kind === 'ready' || m.kind === 'load-error')) {
      // A replacement thread: the coordinator already knows the targets.
      if (m.kind === 'load-error') return send(m, die);
      loaded = true;
      if (queuedJob) t.postMessage(queuedJob);
      queuedJob = undefined;
      return;
    }
    if (m.kind === 'ready') loaded = true;
    // The thread reports what an input printed itself (its stdio arrives here late); what this
    // side captured is only for the deaths it reports (exit, hang, memory).
    if (m.kind === 'run-result' || m.kind === 'failure') takeOutput();
    if (m.kind === 'job-done' || m.kind === 'run-result' || m.kind === 'stale') currentJob = undefined;
    send(m);
  });
  t.on('error', (e) => {
    if (t === thread) lastError = e;
  });
  t.on('exit', (code) => {
    if (t === thread) onThreadExit(code);
  });
  loadStarted = Date.now();
}
let loadStarted = 0;

function describeExit(code: number): FailureInfo {
  if (Atomics.load(inflight, SLOT_ABORTED) === 1) {
    return simpleFailure('abort', 'the target called process.abort()');
  }
  const e = lastError as (Error & { code?: string }) | undefined;
  if (e && e.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return simpleFailure('oom', `worker ran out of JavaScript heap (memory limit ${config!.memoryLimitMb} MB)`, String(e.message));
  }
  if (lastError !== undefined) return uncaughtFailure(lastError);
  return exitFailure(code, exitCall?.stack, exitCall?.place ?? 'call');
}

/**
 * An error that reached no handler and ended the thread (tsfuzz's own, or the target's once it
 * removed the thread's handlers). Its message may be huge (it often holds the input): cut as
 * harness.ts cuts any failure's.
 */
function uncaughtFailure(error: unknown): FailureInfo {
  if (!(error instanceof Error)) {
    const shown = clip(String(error), MESSAGE_SHOWN);
    return { kind: 'throw', headline: clip(`uncaught non-Error value: ${shown}`.split('\n')[0], HEADLINE_SHOWN), detail: shown, signature: `throw|uncaught ${typeof error}|`, output: '' };
  }
  const stack = String(error.stack ?? error.message);
  return {
    kind: 'throw',
    headline: clip(`uncaught ${error.name}: ${error.message}`.split('\n')[0], HEADLINE_SHOWN),
    detail: cleanStack(stack),
    signature: failureSignature('throw', `uncaught ${error.name}`, stack),
    output: '',
  };
}

function onThreadExit(code: number): void {
  const job = currentJob;
  currentJob = undefined;
  thread = undefined;
  const out = takeOutput();
  if (stopping?.failure === undefined && stopping !== undefined) {
    return; // a stop we asked for
  }
  const failure = stopping?.failure ?? describeExit(code);
  failure.output = joinOutput(failure.output, out);
  const index = stopping?.index ?? Atomics.load(inflight, SLOT_INDEX);
  if (!loaded && !job) {
    const why = failure.kind === 'exit' ? `it called process.exit(${code}) while loading` : failure.headline;
    const file = loadingFile ? path.relative(process.cwd(), loadingFile) || loadingFile : 'a fuzz file';
    send({ kind: 'load-error', message: `${file}: failed to load: ${why}` }, die);
    return;
  }
  if (failure.kind === 'oom') {
    failure.ranMs ??= Date.now() - lastChange;
    // A fresh process for the next input (see the file comment).
    if (job) send(lost(job, failure, index, true), die);
    else die();
    return;
  }
  if (job) send(lost(job, failure, index, false, stopping?.late, stopping?.awaited));
  restarts++;
  startThread();
}

/**
 * Stops the thread because of a failure the supervisor detected in input `index` (1-based, as in
 * the in-flight slot), or in a callback an input left (`late`); escalates to SIGKILL.
 */
function stopThread(failure: FailureInfo, index = Atomics.load(inflight, SLOT_INDEX), late?: LateCallback, awaited?: boolean): void {
  if (!thread || stopping) return;
  failure.ranMs ??= Date.now() - lastChange;
  stopping = { failure, index, late, awaited };
  const t = thread;
  void t.terminate();
  setTimeout(() => {
    if (thread !== t) return;
    // The thread is stuck where terminate() cannot reach (a syscall, a builtin loop): report
    // the input, then end the process; the coordinator restarts it.
    if (currentJob) send(lost(currentJob, failure, index, true, late, awaited), die);
    else die();
  }, GRACE_MS).unref();
}

/** The target a job runs inputs of (a drain runs none). */
function targetOf(job: Job | undefined): string | undefined {
  return job && job.kind !== 'drain' ? job.target : undefined;
}

/**
 * The thread-lost message of `job`, lost with `failure` at input `index` (1-based, as in the
 * slots), or in a callback (`late`, `awaited`): with the candidate running when candidates ran
 * (it is not input `index` of the batch), and for a callback's failure the recent candidates of
 * the job's target as suspects.
 */
function lost(job: Job, failure: FailureInfo, index: number, processExiting: boolean, late?: LateCallback, awaited?: boolean): FromWorker {
  const values = Atomics.load(inflight, SLOT_MINIMIZING) === 1 ? recentCandidates[recentCandidates.length - 1]?.values : undefined;
  const suspects = late || awaited ? recentCandidates.filter((c) => c.target === targetOf(job)).map((c) => c.values) : undefined;
  return { kind: 'thread-lost', jobId: job.jobId, index: index - 1, failure, processExiting, values, late, awaited, suspects };
}

// Watchdog: hangs (neither the index nor, while the thread waits for callbacks to settle, its
// signs of life move for longer than the timeout) and memory. A job handed to the thread that it
// does not take up is a hang too: between jobs the thread runs nothing but callbacks inputs left,
// so one of them holds its event loop (the job would otherwise wait for ever).
let lastJob = -1;
let lastIndex = -1;
let lastSettling = 0;
let lastBusy = false;
let lastChange = Date.now();
setInterval(() => {
  const now = Date.now();
  if (!thread || stopping || sampling) return;
  if (!loaded) {
    if (now - loadStarted > LOAD_TIMEOUT_MS) {
      send({ kind: 'load-error', message: `loading the fuzz files took longer than ${formatDuration(LOAD_TIMEOUT_MS)}` }, die);
    }
    return;
  }
  if (config!.memoryLimitMb > 0) {
    const rssMb = process.memoryUsage.rss() / (1024 * 1024);
    if (rssMb > config!.memoryLimitMb && currentJob) {
      stopThread(simpleFailure('oom', `worker exceeded the memory limit (${config!.memoryLimitMb} MB)`, `resident memory reached ${Math.round(rssMb)} MB`));
      return;
    }
  }
  const busy = Atomics.load(inflight, SLOT_BUSY) === 1;
  const job = Atomics.load(inflight, SLOT_JOB);
  const index = Atomics.load(inflight, SLOT_INDEX);
  const settling = Atomics.load(inflight, SLOT_SETTLING);
  if ((!busy && !currentJob) || job !== lastJob || index !== lastIndex || settling !== lastSettling || busy !== lastBusy) {
    lastJob = job;
    lastIndex = index;
    lastSettling = settling;
    lastBusy = busy;
    lastChange = now;
    return;
  }
  const timeoutMs = (currentJob?.kind === 'run' ? currentJob.timeoutMs : undefined) ?? config!.timeoutMs;
  // A callback inputs left is running when the thread settles, or when a job waits for it, or
  // when the thread's hook recorded that the callback running now was left by another input than
  // the one in flight (one left by an earlier input that fires while a later one awaits).
  const late = settling > 0 || !busy || strayCallback(job, index);
  // An input is running once the batch has started one, or while candidates run outside the
  // batch's sequence (minimization, input-to-state), which can happen before its first input.
  const running = late || index > 0 || Atomics.load(inflight, SLOT_MINIMIZING) === 1;
  if (running && now - lastChange > timeoutMs) reportHang(timeoutMs, now - lastChange, late);
}, TICK_MS).unref();

/**
 * Samples where the hung thread is spinning, then stops it and reports the hang: of the input in
 * flight, or (`late`) of a callback an input left (while settling, between jobs, or one the thread
 * recorded as another input's while the input in flight awaits), which does not name it: the
 * thread names the callback's input when it knows it (LateCallback), and the failure is an
 * asynchronous one, traced to its input as such (the coordinator's async search).
 */
function reportHang(timeoutMs: number, ranMs: number, late: boolean): void {
  const t = thread!;
  const job = currentJob;
  // (A job the thread has not taken up yet ran no input: the slots still show the one before.)
  const index = Atomics.load(inflight, SLOT_JOB) === job?.jobId ? Atomics.load(inflight, SLOT_INDEX) : 0;
  const origin = late ? lateOrigin() : undefined;
  // The input in flight awaits, or candidates run (an async one awaits most of its time): what
  // hangs may be a callback an earlier input left (SLOT_AWAITING). (Read now: once the thread is
  // stopped, the slots say nothing.)
  const awaited = !late && (Atomics.load(inflight, SLOT_AWAITING) === 1 || Atomics.load(inflight, SLOT_MINIMIZING) === 1);
  sampling = true;
  void sampleHangStack(t.threadId).then((s) => {
    sampling = false;
    // The thread may have died meanwhile (it reported that itself), or the job may have ended.
    if (thread !== t || currentJob !== job) return;
    const limit = formatDuration(timeoutMs);
    const headline = !origin
      ? `input ran past the ${limit} timeout`
      : lateHangHeadline(limit, job && callbackOf(origin, job.jobId, index) ? 'own' : 'earlier');
    const failure = hangFailure(headline, s);
    failure.ranMs = ranMs;
    if (origin) failure.async = true;
    stopThread(failure, index, origin, awaited);
  });
}

/**
 * Whether the callback running now, as the thread recorded it (set before each callback of a
 * recorded origin and cleared after it, so never a finished callback's), was left by another
 * input than the one in flight (`job`, 1-based `index`): another job's, or another index of this
 * job (async check). A callback of the input in flight is that input's own doing (it is pending).
 */
function strayCallback(job: number, index: number): boolean {
  const o = lateOrigin();
  return o.jobId !== undefined && !callbackOf(o, job, index);
}

/** Whether a recorded callback origin is input `index` (1-based, as in the slots) of `job`. */
function callbackOf(o: LateCallback, job: number, index: number): boolean {
  return o.jobId === job && o.index! + 1 === index;
}

/** The input whose callback runs now, as the thread recorded it (SLOT_CALLBACK_JOB), if it did. */
function lateOrigin(): LateCallback {
  const jobId = Atomics.load(inflight, SLOT_CALLBACK_JOB);
  const index = Atomics.load(inflight, SLOT_CALLBACK_INDEX);
  return jobId > 0 && index > 0 ? { jobId, index: index - 1 } : {};
}

process.on('message', (msg: ToWorker) => {
  if (msg.kind === 'stop') {
    if (thread) {
      stopping = { failure: undefined, index: 0 };
      void thread.terminate().finally(() => process.exit(0));
      setTimeout(die, GRACE_MS).unref();
    } else process.exit(0);
    return;
  }
  if (msg.kind === 'job') {
    if (!thread) return;
    currentJob = msg.job;
    for (const m of heldStrays.splice(0)) send(m); // the coordinator takes them as this job's
    takeOutput();
    if (loaded) thread.postMessage(msg);
    else queuedJob = msg;
  }
});

startThread();
