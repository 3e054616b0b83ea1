/**
 * Where the input under test is known, so that a dead or hung execution thread loses nothing.
 *
 * [worker: supervisor and execution thread] A SharedArrayBuffer between the two threads of a
 * worker holds the job id and the 1-based index of the input running now. The execution thread
 * stores the index before every execution (no syscall, no message); the supervisor reads it after
 * the thread died, or while it hangs, and the coordinator rebuilds the exact input from the job
 * and that index (the replay contract).
 *
 * In the fuzz loop that store is a plain one, not Atomics.store (whose fence measured 4–16% of a
 * trivial target's executions): the index needs no ordering with anything else, only to be seen
 * by the supervisor, which reads it either after the thread ended (the thread's exit orders
 * everything it wrote) or after it stood still for at least a watchdog tick (50 ms), while a
 * store reaches the other cores within microseconds. V8 never drops or delays a typed-array store
 * that precedes a call. Every other access to the slots is atomic. A death that takes the whole
 * process takes the SharedArrayBuffer with it: for those, the coordinator replays the job in
 * "safe" mode, where the index is also written to a file before each execution (a pwrite,
 * ~1.2 µs, which survives the process).
 * Rule: only the execution thread writes these slots; the supervisor only reads them.
 */
import * as fs from 'node:fs';

export const SLOT_JOB = 0;
/** 1-based index of the input being executed in the current job; 0 = none yet. */
export const SLOT_INDEX = 1;
/** 1 while a job runs. */
export const SLOT_BUSY = 2;
/** Set when the target called process.abort(). */
export const SLOT_ABORTED = 3;
/** 1 while a new input is being minimized (the input running is the last announced candidate). */
export const SLOT_MINIMIZING = 4;
/**
 * 0 while an input runs. While the thread waits for callbacks inputs left behind (timers, late
 * errors), it counts up at each sign of life (a wake of the wait, an asynchronous error handled):
 * waiting is not the input running, so the watchdog takes only a callback that stops the count
 * for longer than the timeout for a hang.
 */
export const SLOT_SETTLING = 5;
/**
 * Where the callback running now comes from, in jobs whose inputs run in their own context
 * (RunJob.isolate, FuzzJob.asyncCheck; 0 elsewhere): the id of the job whose input created it and
 * that input's 1-based index, both 0 for a callback of no input (tsfuzz's own, or one that lost
 * its context). Set before each callback and cleared after it, so when the thread hangs in a
 * callback while settling, the supervisor can name the input that left it (LateCallback).
 */
export const SLOT_CALLBACK_JOB = 6;
export const SLOT_CALLBACK_INDEX = 7;
export const SLOTS = 8;

export function createInflight(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(SLOTS * 4));
}

/** The per-execution index file of safe mode. */
export class SafeFile {
  private readonly fd: number;
  private readonly buf = new Int32Array(1);
  private readonly bytes = new Uint8Array(this.buf.buffer);
  constructor(path: string) {
    this.fd = fs.openSync(path, 'w');
  }
  /** Records that input `index` (1-based) is about to run. */
  write(index: number): void {
    this.buf[0] = index;
    fs.writeSync(this.fd, this.bytes, 0, 4, 0);
  }
  close(): void {
    fs.closeSync(this.fd);
  }
  /** The last index written to `path`, or 0 if none. */
  static read(path: string): number {
    try {
      const b = fs.readFileSync(path);
      return b.length >= 4 ? b.readInt32LE(0) : 0;
    } catch {
      return 0;
    }
  }
}
