/**
 * [worker process: supervisor] Where a hung input is spinning: a few samples of the execution
 * thread's JavaScript stack, taken through the inspector protocol before the thread is terminated.
 *
 * The supervisor's in-process inspector session attaches to the execution thread (NodeWorker
 * domain) and evaluates `new Error().stack` in it. Node serves inspector messages to a busy thread
 * through V8 interrupts, so the evaluation runs on top of the spinning code and its stack is the
 * hang's stack, source-mapped by that thread like any other error's. Nothing is attached while
 * inputs run normally (no cost in the hot loop): the domain is enabled when a hang is detected and
 * disabled again after sampling.
 * Evaluating needs a little stack on top of the hung code: a loop spinning just under the stack
 * limit (deep recursion) makes it throw a RangeError instead, raised on top of the hung code,
 * so the error's own stack shows the hung code and serves as the sample. Without one, the
 * hang is still known to be running JavaScript (`running`), never taken for an idle one. (Pausing
 * through the Debugger domain needs no evaluation, but V8 does not break on an exhausted stack.)
 * Rule: sampling never delays a hang's report for long: it gives up after SAMPLE_DEADLINE_MS (a
 * thread blocked in a system call, Atomics.wait or a long native call serves no interrupt) and
 * then reports what it has, possibly nothing.
 */
import { Session } from 'node:inspector';

/** Samples taken of a hung thread, and the pause between two. */
const SAMPLES = 3;
const SAMPLE_GAP_MS = 10;
/** Longest time sampling may take, from the hang's detection to the report. */
const SAMPLE_DEADLINE_MS = 500;

/** Evaluated in the execution thread: its current stack, deep enough to reach the target. */
const STACK_EXPRESSION = `(() => {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  try { return String(new Error('tsfuzz: hang sample').stack); } finally { Error.stackTraceLimit = limit; }
})()`;

export interface HangSamples {
  /** Stacks as `new Error().stack` text (first line, then `at …` frames); may be empty. */
  stacks: string[];
  /** Whether the thread answered at all (false: blocked where no interrupt is served). */
  answered: boolean;
  /** Whether JavaScript was seen running although no stack could be read (evaluating it threw). */
  running: boolean;
}

interface Reply {
  id?: number;
  result?: { result?: { value?: unknown }; exceptionDetails?: { exception?: { description?: unknown } } };
}

let session: Session | undefined;

function post<T>(s: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    s.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T)));
  });
}

/** Sends a method call to the worker thread's inspector; resolves with its reply. */
type WorkerCall = (method: string, params?: object) => Promise<Reply>;

/** Samples the stack of the worker thread `threadId` of this process. */
export async function sampleHangStack(threadId: number): Promise<HangSamples> {
  const out: HangSamples = { stacks: [], answered: false, running: false };
  const deadline = Date.now() + SAMPLE_DEADLINE_MS;
  try {
    session ??= connect();
  } catch {
    return out;
  }
  const s = session;
  let workerSession: string | undefined;
  let nextId = 1;
  const waiting = new Map<number, (r: Reply) => void>();
  let attached: () => void = () => {};
  const isAttached = new Promise<void>((resolve) => (attached = resolve));
  const onAttach = (m: { params: { sessionId: string; workerInfo: { title: string } } }) => {
    // The inspector numbers workers its own way; their title names the thread: "[worker <threadId>] …".
    if (/^\[worker (\d+)\]/.exec(m.params.workerInfo.title)?.[1] !== String(threadId)) return;
    workerSession = m.params.sessionId;
    attached();
  };
  const onMessage = (m: { params: { sessionId: string; message: string } }) => {
    if (m.params.sessionId !== workerSession) return;
    let r: Reply;
    try {
      r = JSON.parse(m.params.message) as Reply;
    } catch {
      return;
    }
    if (r.id !== undefined) waiting.get(r.id)?.(r);
  };
  s.on('NodeWorker.attachedToWorker', onAttach);
  s.on('NodeWorker.receivedMessageFromWorker', onMessage);
  const timeLeft = <T>(p: Promise<T>): Promise<T | undefined> =>
    Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), Math.max(0, deadline - Date.now())).unref())]);
  const call: WorkerCall = (method, params) =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      const message = JSON.stringify({ id, method, params: params ?? {} });
      s.post('NodeWorker.sendMessageToWorker', { sessionId: workerSession, message }, () => {});
    });
  try {
    await timeLeft(post(s, 'NodeWorker.enable', { waitForDebuggerOnStart: false }));
    if ((await timeLeft(isAttached.then(() => true))) !== true) return out;
    await evaluateSamples(call, out, timeLeft);
  } catch {
    /* the thread went away, or the inspector refused: report what we have */
  } finally {
    s.off('NodeWorker.attachedToWorker', onAttach);
    s.off('NodeWorker.receivedMessageFromWorker', onMessage);
    s.post('NodeWorker.disable', {}, () => {});
  }
  return out;
}

type TimeLeft = <T>(p: Promise<T>) => Promise<T | undefined>;

/**
 * Evaluates STACK_EXPRESSION SAMPLES times. An evaluation that threw (the stack overflowed on top
 * of the hung code) still shows JavaScript running, and its exception's stack, when it has frames,
 * is the hung code's: the error was raised on top of it (the expression's own frames, if any, are no user frames).
 */
async function evaluateSamples(call: WorkerCall, out: HangSamples, timeLeft: TimeLeft): Promise<void> {
  for (let i = 0; i < SAMPLES; i++) {
    if (i > 0) await timeLeft(new Promise((r) => setTimeout(r, SAMPLE_GAP_MS)));
    const r = await timeLeft(call('Runtime.evaluate', { expression: STACK_EXPRESSION, returnByValue: true }));
    if (!r) break;
    out.answered = true;
    const failed = r.result?.exceptionDetails;
    const v = failed ? failed.exception?.description : r.result?.result?.value;
    if (failed) out.running = true;
    if (typeof v === 'string' && (!failed || /\n\s+at /.test(v))) out.stacks.push(v);
  }
}

function connect(): Session {
  const s = new Session();
  s.connect();
  return s;
}
