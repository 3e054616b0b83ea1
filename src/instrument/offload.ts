/**
 * Synchronous transform on a helper thread, for loads that happen in the thread running user code
 * (the CommonJS `_compile` patch, and every load under `module.registerHooks`): parsing a multi-MB
 * file takes ~100 MB per MB of source, too much for a memory-limited execution thread. The caller
 * posts the job and blocks in Atomics.wait; the helper replies on a MessagePort read with
 * receiveMessageOnPort. Small files, and files already in the cache, are transformed in-thread.
 * Rule: never hang a load: if the helper fails or is silent for too long, transform in-thread.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { cacheKey, readEntry } from './cache.js';
import type { Loaded, LoaderCore } from './core.js';
import { declaredFormat } from './filter.js';

/** Source size from which instrumentation runs on the helper thread. */
export const OFFLOAD_THRESHOLD = 1 << 20;
const WAIT_MS = 120_000;

interface Helper {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
  broken: boolean;
}
let helper: Helper | undefined;
/** Files transformed on the helper thread so far (tests and diagnostics). */
export const offloadStats = { jobs: 0 };

export interface OffloadReply {
  ok?: Loaded;
  error?: { name: string; message: string; code?: string };
}

function startHelper(core: LoaderCore): Helper {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL('./offload-worker.js', import.meta.url), {
    workerData: { opts: core.opts, port: port2, flag },
    transferList: [port2],
    execArgv: [],
    stdout: false,
    stderr: false,
  });
  worker.unref();
  port1.unref();
  const h: Helper = { worker, port: port1, flag, broken: false };
  worker.on('error', () => (h.broken = true));
  worker.on('exit', () => (h.broken = true));
  return h;
}

/**
 * Transforms on the helper thread when worthwhile; undefined = do it in-thread (small file, cache
 * hit, or the helper is unavailable).
 */
export function offloadTransform(core: LoaderCore, source: string, filename: string, format: Loaded['format'] | undefined): Loaded | undefined {
  if (source.length < OFFLOAD_THRESHOLD || !core.filter.instrument(filename)) return undefined;
  const opts = core.opts;
  format ??= declaredFormat(filename);
  if (opts.cacheDir) {
    const key = cacheKey(source, filename, { instrument: true, format, compares: opts.compares });
    if (readEntry(opts.cacheDir, key)) return undefined; // cheap in-thread
  }
  if (helper?.broken) return undefined;
  try {
    helper ??= startHelper(core);
  } catch {
    return undefined;
  }
  const h = helper;
  Atomics.store(h.flag, 0, 0);
  h.worker.postMessage({ source, filename, format });
  const waited = Atomics.wait(h.flag, 0, 0, WAIT_MS);
  const msg = receiveMessageOnPort(h.port)?.message as OffloadReply | undefined;
  if (waited === 'timed-out' || !msg) {
    h.broken = true;
    void h.worker.terminate();
    return undefined;
  }
  if (msg.error) {
    const Ctor = msg.error.name === 'SyntaxError' ? SyntaxError : Error;
    const err = new Ctor(msg.error.message);
    if (msg.error.code) (err as { code?: string }).code = msg.error.code;
    throw err;
  }
  offloadStats.jobs++;
  return msg.ok;
}
