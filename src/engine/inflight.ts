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
 * ~1.2 µs, which survives the process). A candidate (an input run outside the batch's sequence,
 * which no replay of the batch runs again) is recorded in the process's candidate file instead
 * (CandidateFile).
 * Rule: only the execution thread writes these slots; the supervisor only reads them.
 */
import * as fs from 'node:fs';
import type { Value } from '../values/kinds.js';

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
/**
 * 1 while the input in flight of a fuzz batch awaits (its call returned a promise that is still
 * pending): code that runs then is a callback, its own or one an earlier input left. Fuzz batches
 * do not record callbacks' origins (SLOT_CALLBACK_JOB), so a hang then is reported as such
 * (thread-lost's `awaited`) and the coordinator finds out whose it was. (So is a hang while
 * candidates run, SLOT_MINIMIZING: an async candidate awaits most of its time.) Written with plain
 * stores: the supervisor reads it only once the thread has stopped moving for the timeout.
 */
export const SLOT_AWAITING = 8;
export const SLOTS = 9;

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

/**
 * The candidate file of a fuzz worker process: the candidate running now, if any, for a death that
 * takes the whole process. Candidates (a new input's minimization, input-to-state: inputs run
 * outside a batch's sequence) are announced to the supervisor, which names one that kills the
 * thread; a process death takes the supervisor too, and the safe-mode replay of the batch runs
 * only its sequence, so such a candidate was lost. The execution thread writes each candidate here
 * before running it, and marks the stage's end; the pool reads the file when the process died
 * during a job (CandidateFile.read), and the coordinator re-checks that candidate alone.
 * Why a record per candidate: an input that cannot be rebuilt must be somewhere outside the
 * process before it runs, as AFL++ keeps every test case in the parent before the child runs it
 * (libFuzzer, whose inputs live in the dying process, loses them to a SIGKILL); batch inputs
 * need none of that (the replay contract), so only the rare candidates pay for it.
 *
 * One record at offset 0, rewritten by one positional write (no rename, no fsync: the file has to
 * survive the process, not the machine, and a write that returned is in the page cache whatever
 * happens to the process next): job id, executions of the batch before the candidate, length of
 * the candidate's bytes (0: none running), a sequence number; the candidate (packValues); the
 * sequence number again and a magic. A death in the middle of the write (a candidate that had not
 * started yet) leaves at most a prefix of the record written, so the sequence number at its end
 * does not match: the record is rejected (a hash of the whole candidate would cost as much as a
 * large candidate's run).
 *
 * Cost: one syscall and a copy per candidate, nothing per execution of the hot loop (candidates
 * run only for new inputs and an entry's first batch). Measured on a shared 2-core VM (Node 20,
 * ext4): a record takes 3.2–5.5 µs in a tight loop (8 B to 4 KB of bytes; a bare 16-byte pwrite
 * 2.8 µs). On bench/targets/many-new.fuzz.ts, whose first 10,000 executions (--seed=1, 1 worker)
 * hold 6,110 candidates, paired runs of the old and new code (21 pairs, twice) differ by a median
 * 20–60 ms of CPU, ~3–10 µs a candidate, against ~175 µs of CPU a candidate costs in all
 * (announce, run, coverage, minimization or input-to-state bookkeeping): ~5,700 candidates per
 * CPU second before, ~5,450–5,600 after, within the VM's noise (±300 ms a run). The corpus text
 * encoding, tried first, took 31 µs to write 1 KB and 110 µs 4 KB (escapes built character by
 * character) and made that run's fuzzing ~20% slower; v8.serialize costs ~5 µs and a fresh
 * buffer each time.
 *
 * The supervisor opens the file once for its process and hands the descriptor to each execution
 * thread it starts (a thread's own descriptors would outlive it when it is terminated).
 */
const HEADER = 16;
const TRAILER = 8;
const MAGIC = 0x7473_6663; // "tsfc"

/** The candidate a process was running when it died, as its candidate file recorded it. */
export interface RunningCandidate {
  /** Executions of the batch before it (its sequence's and earlier candidates'). */
  execs: number;
  /** The candidate's values, unchecked (the coordinator checks them against the target's kinds). */
  values: Value[];
}

export class CandidateFile {
  private recorded = false;
  private seq = 0;
  private buf = Buffer.alloc(1 << 12);
  /** A write failed (a full disk): no more are tried. A failed write must not fail the input. */
  private broken = false;
  constructor(private readonly fd: number) {}

  /** Records that candidate `values` of job `jobId` is about to run, after `execs` executions of the batch. */
  write(jobId: number, execs: number, values: readonly Value[]): void {
    if (this.broken) return;
    const need = HEADER + packedSize(values) + TRAILER;
    if (need > this.buf.length) this.buf = Buffer.alloc(Math.max(need, this.buf.length * 2));
    const b = this.buf;
    const end = packValues(b, HEADER, values);
    this.seq = (this.seq + 1) >>> 0;
    b.writeInt32LE(jobId, 0);
    b.writeInt32LE(execs, 4);
    b.writeInt32LE(end - HEADER, 8);
    b.writeUInt32LE(this.seq, 12);
    b.writeUInt32LE(this.seq, end);
    b.writeUInt32LE(MAGIC, end + 4);
    this.put(end + TRAILER);
    this.recorded = true;
  }

  /** Records that no candidate runs any more (a stage of them ended); writes nothing if none ran. */
  clear(jobId: number): void {
    if (!this.recorded || this.broken) return;
    const b = this.buf;
    b.writeInt32LE(jobId, 0);
    b.writeInt32LE(0, 4);
    b.writeInt32LE(0, 8);
    b.writeUInt32LE(0, 12);
    this.put(HEADER);
    this.recorded = false;
  }

  /** Writes the first `n` bytes of the record at the start of the file. */
  private put(n: number): void {
    try {
      fs.writeSync(this.fd, this.buf, 0, n, 0);
    } catch {
      // Candidates are still announced to the supervisor; a process death they cause is then
      // replayed as before. No record is better than an old one (emptying a file frees space).
      this.broken = true;
      try {
        fs.ftruncateSync(this.fd, 0);
      } catch {
        // a record still there is only a suspect: the coordinator re-checks it before naming it
      }
    }
  }

  /** The candidate of job `jobId` running when its process died, if the file at `path` records one whole. */
  static read(path: string, jobId: number): RunningCandidate | undefined {
    let b: Buffer;
    try {
      b = fs.readFileSync(path);
    } catch {
      return undefined;
    }
    if (b.length < HEADER || b.readInt32LE(0) !== jobId) return undefined;
    const n = b.readInt32LE(8);
    const end = HEADER + n;
    if (n <= 0 || end + TRAILER > b.length) return undefined;
    if (b.readUInt32LE(end) !== b.readUInt32LE(12) || b.readUInt32LE(end + 4) !== MAGIC) return undefined; // torn
    const values = unpackValues(b.subarray(HEADER, end));
    return values && { execs: b.readInt32LE(4), values };
  }
}

/*
 * The binary form of a candidate in the candidate file: per value a tag byte, then bytes and
 * strings as a 32-bit length and their bytes (strings as UTF-16 code units, so lone surrogates
 * survive), numbers as their 64 bits, bigints as 64-bit two's complement or unsigned, booleans
 * as a byte. Exact for every kind, and a copy into a buffer kept for reuse (see the cost above).
 */
const T_BYTES = 1;
const T_STRING = 2;
const T_NUMBER = 3;
const T_INT64 = 4;
const T_UINT64 = 5;
const T_BOOL = 6;

function packedSize(values: readonly Value[]): number {
  let n = 4;
  for (const v of values) n += 1 + (typeof v === 'string' ? 4 + 2 * v.length : v instanceof Uint8Array ? 4 + v.length : 8);
  return n;
}

/** Writes `values` into `b` from `at` (packedSize bytes at most); returns where they end. */
function packValues(b: Buffer, at: number, values: readonly Value[]): number {
  b.writeUInt32LE(values.length, at);
  at += 4;
  for (const v of values) {
    if (v instanceof Uint8Array) {
      b[at] = T_BYTES;
      b.writeUInt32LE(v.length, at + 1);
      b.set(v, at + 5);
      at += 5 + v.length;
    } else if (typeof v === 'string') {
      b[at] = T_STRING;
      b.writeUInt32LE(v.length, at + 1);
      at += 5 + b.write(v, at + 5, 'utf16le');
    } else if (typeof v === 'number') {
      b[at] = T_NUMBER;
      b.writeDoubleLE(v, at + 1);
      at += 9;
    } else if (typeof v === 'bigint') {
      b[at] = v < 0n ? T_INT64 : T_UINT64;
      if (v < 0n) b.writeBigInt64LE(v, at + 1);
      else b.writeBigUInt64LE(v, at + 1);
      at += 9;
    } else {
      b[at] = T_BOOL;
      b[at + 1] = v ? 1 : 0;
      at += 2;
    }
  }
  return at;
}

/** The values packValues wrote to `b` (copies of their own), or undefined if `b` holds none. */
function unpackValues(b: Buffer): Value[] | undefined {
  try {
    const count = b.readUInt32LE(0);
    let at = 4;
    const values: Value[] = [];
    for (let i = 0; i < count; i++) {
      const tag = b[at];
      if (tag === T_BYTES || tag === T_STRING) {
        const n = b.readUInt32LE(at + 1);
        const len = tag === T_BYTES ? n : 2 * n;
        if (at + 5 + len > b.length) return undefined;
        values.push(tag === T_BYTES ? new Uint8Array(b.subarray(at + 5, at + 5 + len)) : b.toString('utf16le', at + 5, at + 5 + len));
        at += 5 + len;
      } else if (tag === T_NUMBER) {
        values.push(b.readDoubleLE(at + 1));
        at += 9;
      } else if (tag === T_INT64 || tag === T_UINT64) {
        values.push(tag === T_INT64 ? b.readBigInt64LE(at + 1) : b.readBigUInt64LE(at + 1));
        at += 9;
      } else if (tag === T_BOOL) {
        values.push(b[at + 1] === 1);
        at += 2;
      } else return undefined;
    }
    return at === b.length ? values : undefined;
  } catch {
    return undefined; // read past the end
  }
}
