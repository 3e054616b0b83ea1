/**
 * One transform per cache miss across processes. Workers start together, so on a cold cache
 * each would otherwise transform the same large file at the same time (on typescript.js ~1 GB
 * of parser memory and a few seconds each). The first process to miss a key creates
 * `<entry>.lock` exclusively (O_EXCL), holding its pid, host and start time, produces the
 * entry and removes the lock. The others wait, polling, until the lock is gone, then read the
 * entry. A lock whose owner died (same host, no such pid), or that is older than `staleMs`,
 * is removed and the miss claimed again. Used by cache.ts (`readOrMake`); no other imports.
 * Rule: never hang and never fail a load: waiting is bounded by `maxWaitMs`, after which (and
 * whenever the lock cannot be created or read) the caller produces the entry itself; a lost
 * race only costs a duplicate transform, because entries are written atomically.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';

export interface MissLockOptions {
  /** Longest wait for another process's result before producing it here. */
  maxWaitMs: number;
  /** Age after which a lock is taken over even if its owner seems alive (pid reuse, other hosts). */
  staleMs: number;
  /** Poll interval while waiting. */
  pollMs: number;
}

export const MISS_LOCK_DEFAULTS: MissLockOptions = { maxWaitMs: 30_000, staleMs: 120_000, pollMs: 15 };

/** A lock file that is still empty (created, content not yet written) this long is abandoned. */
const EMPTY_LOCK_MS = 2_000;

interface LockInfo {
  pid: number;
  host: string;
  time: number;
  token: string;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * On a miss of `entryFile`: returns another process's result (`read`) if one is being produced,
 * else `make()` while holding the lock. `read` must not count as a cache lookup; `make` must
 * store the entry before it returns (when it can). `waited` is called when the result came from
 * another process.
 */
export function produceOnce<T>(entryFile: string, read: () => T | undefined, make: () => T, opts: MissLockOptions = MISS_LOCK_DEFAULTS, waited?: () => void): T {
  const lock = entryFile + '.lock';
  const deadline = Date.now() + opts.maxWaitMs;
  for (;;) {
    const token = tryLock(lock);
    if (token === null) return make(); // no lock possible here: no coordination
    if (token !== undefined) {
      try {
        return read() ?? make(); // the previous owner may have finished since our miss
      } finally {
        unlock(lock, token);
      }
    }
    if (isStale(lock, opts.staleMs)) {
      removeQuietly(lock);
      if (!fs.existsSync(lock)) continue; // else (cannot remove it) wait like for a live owner
    }
    if (Date.now() >= deadline) return make();
    sleep(opts.pollMs);
    if (!fs.existsSync(lock)) {
      const r = read();
      if (r !== undefined) {
        waited?.();
        return r;
      }
      // The owner gave up without an entry (error, unwritable cache): claim the miss ourselves.
    }
  }
}

/** Creates the lock: its token; undefined if it exists; null if it cannot be created at all. */
function tryLock(lock: string): string | undefined | null {
  const info: LockInfo = { pid: process.pid, host: os.hostname(), time: Date.now(), token: `${process.pid}.${threadId}.${Math.random().toString(36).slice(2)}` };
  let fd: number;
  try {
    fd = fs.openSync(lock, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      try {
        fs.mkdirSync(path.dirname(lock), { recursive: true });
        fd = fs.openSync(lock, 'wx');
      } catch (e2) {
        return (e2 as NodeJS.ErrnoException).code === 'EEXIST' ? undefined : null;
      }
    } else {
      return null;
    }
  }
  try {
    fs.writeFileSync(fd, JSON.stringify(info));
  } catch {
    // An empty lock is still a lock; others treat it as abandoned after EMPTY_LOCK_MS.
  } finally {
    fs.closeSync(fd);
  }
  return info.token;
}

/** Removes the lock if it is still ours (a waiter may have judged it stale and replaced it). */
function unlock(lock: string, token: string): void {
  if (readLock(lock)?.token === token) removeQuietly(lock);
}

function readLock(lock: string): LockInfo | undefined {
  try {
    const v = JSON.parse(fs.readFileSync(lock, 'utf8')) as Partial<LockInfo>;
    if (typeof v.pid !== 'number' || typeof v.host !== 'string' || typeof v.time !== 'number' || typeof v.token !== 'string') return undefined;
    return v as LockInfo;
  } catch {
    return undefined;
  }
}

/** Whether the lock's owner is gone or the lock too old. A lock that vanished counts as not stale. */
function isStale(lock: string, staleMs: number): boolean {
  let mtime: number;
  try {
    mtime = fs.statSync(lock).mtimeMs;
  } catch {
    return false;
  }
  const info = readLock(lock);
  if (!info) return Date.now() - mtime > EMPTY_LOCK_MS;
  if (Date.now() - info.time > staleMs) return true;
  return info.host === os.hostname() && !processAlive(info.pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // ignore: another process removed or replaced it
  }
}
