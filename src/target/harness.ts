/**
 * Running one input of a target: the `t` context, how a result is classified (pass, skip,
 * expected error, failure), and the failure description sent to the coordinator.
 * Used by the worker's execution thread for fuzzing, regression runs and re-checks alike, so an
 * input fails the same way whichever mode runs it.
 * Rule: the fast path (a synchronous target that returns) allocates nothing and awaits nothing.
 */
import type { T } from '../api/t.js';
import type { ExpectRule, RegisteredTarget } from '../api/registry.js';
import type { ExitPlace, FailureInfo, FailureKind } from '../engine/protocol.js';
import { HEADLINE_SHOWN, MESSAGE_SHOWN, cleanStack, clip, failureSignature, hangSignature } from '../report/signature.js';
import { inspect, types } from 'node:util';

/** Thrown by t.fail(). */
export class FailSignal extends Error {
  override name = 'FuzzFailure';
}
/**
 * Thrown by process.exit() when a callback calls it after its input returned (engine/exec-thread.ts):
 * the exit is then reported as that input's asynchronous failure, and this only unwinds the callback.
 */
export class ExitSignal {
  constructor(readonly code: number) {}
}
/**
 * How many inputs' calls are pending: the promise the target returned has not settled yet, or
 * its cleanups are still running asynchronously. A synchronous call shows on the stack
 * (callTarget, runCleanups), but past an await nothing of it does; this is what tells
 * process.exit() that the input is still running then (engine/exec-thread.ts, exitPlace).
 * Only the asynchronous paths count it, so the hot loop's synchronous fast path never touches it.
 */
export const pendingInputs = { count: 0 };
/** Thrown by t.skip(). */
export class SkipSignal {
  constructor(readonly reason: string) {}
}

/** The `t` of one input; one instance is reused for every input of a job. */
export class TContext implements T {
  logs: string[] | null = null;
  cleanups: Array<() => void | Promise<void>> | null = null;
  /** 0 running, 1 fail() called, 2 skip() called. */
  state = 0;
  failMessage = '';
  constructor(readonly name: string) {}

  reset(): void {
    this.logs = null;
    this.cleanups = null;
    this.state = 0;
  }
  fail(message = 'failed'): never {
    this.state = 1;
    this.failMessage = message;
    throw new FailSignal(message);
  }
  assert(condition: unknown, message = 'assertion failed'): asserts condition {
    if (!condition) this.fail(message);
  }
  skip(reason = ''): never {
    if (this.state === 0) this.state = 2;
    throw new SkipSignal(reason);
  }
  log(...args: unknown[]): void {
    const line = args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 4 }))).join(' ');
    if (TContext.sink?.(line)) return;
    (this.logs ??= []).push(line);
  }
  /**
   * Where t.log lines go instead of `logs`, when set (the execution thread: with what the input
   * printed, in order). Returns false to keep the line in `logs`.
   */
  static sink: ((line: string) => boolean) | undefined;
  cleanup(fn: () => void | Promise<void>): void {
    (this.cleanups ??= []).push(fn);
  }
}

/** Calls the fuzz function without spreading for the common arities. */
export function callTarget(fn: RegisteredTarget['fn'], t: T, a: readonly unknown[]): unknown {
  const f = fn as (t: T, ...args: unknown[]) => unknown;
  switch (a.length) {
    case 1: return f(t, a[0]);
    case 2: return f(t, a[0], a[1]);
    case 3: return f(t, a[0], a[1], a[2]);
    default: return f(t, ...a);
  }
}

export function isThenable(r: unknown): r is PromiseLike<unknown> {
  return r !== undefined && r !== null && typeof (r as { then?: unknown }).then === 'function';
}

/**
 * The last f.expect predicate that threw, and on which value: its failure report says so (a
 * broken predicate otherwise looks like an unexpected error). Kept by identity, never stale.
 */
let predicateThrew: { on: unknown; error: unknown } | undefined;

/** Whether a thrown value is one the target declared as expected. */
export function isExpected(rules: readonly ExpectRule[], e: unknown): boolean {
  for (const r of rules) {
    let ok: boolean;
    try {
      // A matcher, a Proxy trap or a message getter that throws: not expected.
      ok = r.isClass ? e instanceof (r.match as new () => unknown) : (r.match as (e: unknown) => boolean)(e) === true;
      if (ok && r.message) ok = e instanceof Error && r.message.test(e.message);
    } catch (error) {
      if (!r.isClass) predicateThrew = { on: e, error };
      ok = false;
    }
    if (ok) return true;
  }
  return false;
}

/** A line for the report of `e` when an f.expect predicate threw on it, else ''. */
function predicateNote(e: unknown): string {
  if (predicateThrew === undefined || predicateThrew.on !== e) return '';
  const { error } = predicateThrew;
  predicateThrew = undefined;
  const shown = safely(() => (error instanceof Error ? `${error.name}: ${error.message}` : inspect(error, { depth: 1 })), 'a value');
  return `\n(an f.expect predicate threw on it, so it counts as unexpected: ${clip(shown, 300)})`;
}

/** Outcome of an input after the call (and its promise) settled. */
export const enum Verdict {
  Pass = 0,
  Skip = 1,
  Fail = 2,
}

/** Classifies a value thrown (or rejected with) by the target. */
export function verdictOfError(t: TContext, target: RegisteredTarget, e: unknown): Verdict {
  if (t.state === 1) return Verdict.Fail; // fail() was called, even if the user caught it
  if (isInstance(e, SkipSignal) || t.state === 2) return Verdict.Skip;
  // An exit from a callback, recorded and reported on its own (asynchronously): not this input's
  // throw. Told apart before f.expect's rules, so that a predicate never sees tsfuzz's signal
  // (one that accepts every error would otherwise take it for an expected error).
  if (isInstance(e, ExitSignal)) return Verdict.Skip;
  if (isExpected(target.expect, e)) return Verdict.Pass;
  return Verdict.Fail;
}

/** What a report says about where process.exit() was called, after "process.exit(n)". */
const EXIT_PLACE: Record<ExitPlace, string> = {
  call: '',
  callback: ' in a callback after it returned',
  unknown: ' in a callback while an input was pending',
};

/**
 * A process.exit(`code`) call, wherever it is reported from (the execution thread records exits
 * from callbacks, the supervisor those that ended the thread): keyed by where it was called
 * (`stack`), like a thrown error, or by its code alone when that is unknown. Exits outside an
 * input's call are asynchronous failures (FailureInfo.async).
 */
export function exitFailure(code: number, stack: string | undefined, place: ExitPlace): FailureInfo {
  const headline = `the target called process.exit(${code})${EXIT_PLACE[place]}`;
  const f = stack
    ? stackFailure('exit', headline, stack, failureSignature('exit', String(code), stack))
    : simpleFailure('exit', headline, undefined, String(code));
  if (place !== 'call') f.async = true;
  return f;
}

/**
 * What the target threw is user code's value: reading it may run user code (getters, Proxy traps)
 * that throws in turn. Reports must still describe the original throw, so every read of it goes
 * through these. isInstance is on the fuzz loop's path for every throwing input: no allocation.
 */
function isInstance(e: unknown, c: abstract new (...a: never[]) => unknown): boolean {
  try {
    return e instanceof c; // runs a Proxy's getPrototypeOf trap
  } catch {
    return false;
  }
}
function safely<R>(read: () => R, fallback: R): R {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/**
 * The stack of an error whose own formatting throws (V8 formats `stack` on first read, and a
 * name or message getter that throws makes that read throw): its frames, formatted as Node
 * formats them (source-mapped), under `header`.
 */
function framesOf(err: Error, header: string): string {
  const saved = Error.prepareStackTrace;
  const standIn = new Error();
  Object.defineProperty(standIn, 'stack', { value: header });
  try {
    Error.prepareStackTrace = (_e, sites) => {
      if (typeof saved === 'function') {
        const formatted = String(saved(standIn, sites));
        const nl = formatted.indexOf('\n');
        return nl < 0 ? header : header + formatted.slice(nl);
      }
      return [header, ...sites.map((s) => `    at ${String(s)}`)].join('\n');
    };
    return String(err.stack ?? header);
  } catch {
    return header;
  } finally {
    Error.prepareStackTrace = saved;
  }
}

/**
 * What an error wraps, for its report: its `cause` chain and an AggregateError's errors, each
 * with its message and stack (at most a few levels and entries; the signature stays the outer
 * error's).
 */
function causes(e: Error, depth = 0): string {
  if (depth >= 4) return '';
  const parts: string[] = [];
  const show = (label: string, x: unknown): void => {
    if (x instanceof Error) {
      let stack: string;
      try {
        stack = cleanStack(String(x.stack ?? `${x.name}: ${x.message}`));
      } catch {
        stack = clip(`${x.name}: ${x.message}`, MESSAGE_SHOWN);
      }
      parts.push(`${label} ${stack}${causes(x, depth + 1)}`);
    } else parts.push(`${label} ${clip(inspect(x, { depth: 2, breakLength: Infinity }), MESSAGE_SHOWN)}`);
  };
  if (e instanceof AggregateError && Array.isArray(e.errors)) {
    e.errors.slice(0, 8).forEach((x: unknown, i: number) => show(`[error ${i + 1} of ${e.errors.length}]`, x));
  }
  if ('cause' in e && e.cause !== undefined) show('[cause]', e.cause);
  return parts.length ? '\n' + parts.join('\n') : '';
}

/** Builds the failure description of a thrown or rejected value. */
export function describeError(t: TContext, e: unknown, rejected: boolean): FailureInfo {
  let kind: FailureKind = rejected ? 'reject' : 'throw';
  let headline: string;
  let detail: string;
  let name: string;
  let stack: string | undefined;
  if (t.state === 1 && !isInstance(e, FailSignal)) {
    // fail() was called and the user swallowed the signal.
    e = new FailSignal(t.failMessage);
  }
  // A Proxy is never an Error to us: it is shown as what it is, without running its traps.
  if (!types.isProxy(e) && isInstance(e, Error)) {
    const err = e as Error;
    const fail = isInstance(e, FailSignal);
    const ename = safely(() => String(err.name), 'Error');
    const message = safely(() => String(err.message), '(reading its message threw)');
    if (isInstance(e, RangeError) && message.includes('Maximum call stack size exceeded')) kind = 'stack-overflow';
    name = fail ? 'fail' : ename || safely(() => String(err.constructor?.name ?? ''), '') || 'Error';
    headline = fail ? message : `${ename}: ${message}`;
    stack = safely(() => String(err.stack ?? ''), undefined) ?? framesOf(err, `${ename}: ${message}`);
    detail = cleanStack(stack);
    if (fail) detail = detail.split('\n').slice(1).join('\n');
    detail += safely(() => causes(err), '');
    if (kind === 'stack-overflow') headline = 'stack overflow: ' + headline;
  } else {
    name = `non-error ${typeof e}`;
    const shown = safely(() => inspect(e, { depth: 3, breakLength: Infinity, showProxy: true }), `(a ${typeof e} that cannot be shown)`);
    headline = `${rejected ? 'rejected with' : 'threw'} a non-Error value: ${shown.length > 200 ? shown.slice(0, 200) + '…' : shown}`;
    detail = headline;
  }
  if (rejected && kind === 'reject') headline = 'promise rejected: ' + headline;
  detail += predicateNote(e);
  return {
    kind,
    headline: clip(headline.split('\n')[0], HEADLINE_SHOWN),
    detail,
    signature: failureSignature(kind, name, stack),
    output: t.logs ? t.logs.join('\n') : '',
  };
}

/**
 * Describes an error target code raised after its call returned (a throw in a timer or other
 * callback: `rejected` false; a promise rejected with no handler: true), for the input it came
 * from; undefined when it does not fail the input (a skip, or an error `target` declared expected).
 */
export function describeAsyncError(target: RegisteredTarget | undefined, e: unknown, rejected: boolean): FailureInfo | undefined {
  if (isInstance(e, SkipSignal)) return undefined;
  if (target && !isInstance(e, FailSignal) && isExpected(target.expect, e)) return undefined;
  const f = describeError(new TContext(target?.name ?? ''), e, rejected);
  const what = f.headline.replace(/^promise rejected: /, '');
  f.headline = rejected ? `unhandled promise rejection: ${what}` : `uncaught ${what} (thrown after the target returned)`;
  f.async = true;
  return f;
}

/** A failure that has no stack (exit, abort, timeout, oom, crash). */
export function simpleFailure(kind: FailureKind, headline: string, detail = headline, signatureExtra = ''): FailureInfo {
  return { kind, headline, detail, signature: `${kind}|${signatureExtra}|`, output: '' };
}

/** A failure shown by where it happened: the headline, then the frames of `stack` (cleaned). */
export function stackFailure(kind: FailureKind, headline: string, stack: string, signature: string): FailureInfo {
  const frames = cleanStack(stack).split('\n').filter((l) => l.startsWith('    '));
  return { kind, headline, detail: [headline, ...frames].join('\n'), signature, output: '' };
}

/**
 * A hang, from the stacks sampled while it spun (engine/hang-stack.ts): keyed and shown by where
 * it was running. Without a user frame it is keyed "running" when JavaScript was seen running but
 * its stack could not be read (too close to the stack limit), "idle" when the thread answered (no
 * JavaScript was running: the input awaits something that never happens) and "blocked" when it
 * did not.
 */
export function hangFailure(headline: string, samples: { stacks: readonly string[]; answered: boolean; running?: boolean }): FailureInfo {
  const { stacks, answered, running } = samples;
  const signature = hangSignature(stacks);
  if (signature !== undefined) return stackFailure('timeout', headline, stacks[0], signature);
  const [note, key] = running
    ? ['JavaScript was running when it was stopped, but where is unknown (stack unavailable: it ran too close to the stack limit to be sampled)', 'running']
    : answered
      ? ['no JavaScript was running when it was stopped: the input awaits something that never happens (a promise, a timer, I/O)', 'idle']
      : ['the thread served no interrupt, so where it was is unknown: it was blocked in a system call, Atomics.wait or a long native call', 'blocked'];
  return simpleFailure('timeout', headline, `${headline}\n${note}`, key);
}

/**
 * The headline of a hang in a callback an input left, run after its call returned (the thread
 * settling, or between jobs): `own` when the callback is known to be the judged input's, `earlier`
 * when it is another's or unknown (the input in flight is not its cause), `later` for the input
 * that left it when its callback hung only while a later input was judged (`tsfuzz test`).
 */
export function lateHangHeadline(limit: string, whose: 'own' | 'earlier' | 'later' | 'end'): string {
  if (whose === 'own') return `a callback the input left ran past the ${limit} timeout (after the target returned)`;
  if (whose === 'earlier') return `a callback left by an earlier input ran past the ${limit} timeout`;
  const when = whose === 'later' ? 'while a later input ran' : 'after its worker ran its last input';
  return `a callback the input left ran past the ${limit} timeout ${when} (not when it ran again alone)`;
}

/** `f` with another headline (also as the first line of its detail, where it was). */
export function renamed(f: FailureInfo, headline: string): FailureInfo {
  const detail = f.detail.startsWith(f.headline) ? headline + f.detail.slice(f.headline.length) : f.detail;
  return { ...f, headline, detail };
}

/**
 * Runs registered cleanups in reverse order, every one of them even when one throws; then
 * throws the first error (a throwing cleanup fails the input). Synchronous while they are.
 */
export function runCleanups(t: TContext): void | Promise<void> {
  const list = t.cleanups;
  if (!list) return;
  t.cleanups = null;
  let error: { e: unknown } | undefined;
  for (let i = list.length - 1; i >= 0; i--) {
    let r: void | Promise<void>;
    try {
      r = list[i]();
    } catch (e) {
      error ??= { e };
      continue;
    }
    if (isThenable(r)) return finishCleanups(list, i, r, error);
  }
  if (error) throw error.e;
}

/**
 * The rest of runCleanups once cleanup `i` returned a promise (`r`): awaits it, then runs the
 * cleanups before it, awaiting each. The input is pending meanwhile (pendingInputs). Its name
 * is looked for on the stack (engine/exec-thread.ts): keep it.
 */
async function finishCleanups(list: ReadonlyArray<() => void | Promise<void>>, i: number, r: PromiseLike<unknown>, error: { e: unknown } | undefined): Promise<void> {
  pendingInputs.count++;
  try {
    try {
      await r;
    } catch (e) {
      error ??= { e };
    }
    for (let j = i - 1; j >= 0; j--) {
      try {
        await list[j]();
      } catch (e) {
        error ??= { e };
      }
    }
  } finally {
    pendingInputs.count--;
  }
  if (error) throw error.e;
}

/**
 * Runs one input outside a fuzz batch's hot loop (regression runs, re-checks, minimization and
 * input-to-state candidates): the target gets its own copy, a returned promise is awaited,
 * cleanups run, and the result is classified exactly as in the hot loop. Its name is looked for
 * on the stack (engine/exec-thread.ts): keep it.
 */
export async function runSingleInput(
  target: RegisteredTarget,
  values: readonly unknown[],
): Promise<{ failure: FailureInfo | undefined; skipped: boolean }> {
  const t = new TContext(target.name);
  const args = values.map((v) => (v instanceof Uint8Array ? v.slice() : v));
  let failure: FailureInfo | undefined;
  let skipped = false;
  const judge = (e: unknown, rejected: boolean) => {
    const v = verdictOfError(t, target, e);
    if (v === Verdict.Fail) failure = describeError(t, e, rejected);
    else if (v === Verdict.Skip) skipped = true;
  };
  try {
    const r = callTarget(target.fn, t, args);
    if (isThenable(r)) {
      pendingInputs.count++; // the input runs until its promise settles (see pendingInputs)
      try {
        await r;
      } catch (e) {
        judge(e, true);
      } finally {
        pendingInputs.count--;
      }
    }
  } catch (e) {
    judge(e, false);
  }
  // Cleanups run whatever the input did; one that throws fails an input that had not failed.
  try {
    await runCleanups(t);
  } catch (e) {
    if (!failure) {
      skipped = false;
      failure = describeError(t, e, false);
    }
  }
  if (!failure && t.state === 1) failure = describeError(t, undefined, false);
  return { failure, skipped: skipped && !failure };
}
