/**
 * Synchronous transform on a helper thread, the transformer of the thread that runs user code
 * (core.ts's `Transformer`, for the CommonJS `_compile` patch and every load under
 * `module.registerHooks`). Every file that missed the cache is transformed there, for two reasons:
 * that thread never loads meriyah or amaro itself (a user's `import 'meriyah'` then loads the
 * user's own, instrumentable copy), and parsing a multi-MB file takes ~100 MB per MB of source,
 * too much for a memory-limited execution thread. The caller posts the job and blocks in
 * Atomics.wait; the helper replies on a MessagePort read with receiveMessageOnPort. The helper is
 * started on the first miss and stopped after a short idle time (cached loads never start it).
 * Rule: never hang a load: a helper that fails or stays silent too long is replaced once, then
 * the load fails with an error naming the file.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { CacheSlot } from './cache.js';
import { decoded } from './text-buffer.js';
import type { EncodedResult, TransformOptions, TransformResult } from './transform.js';

const WAIT_MS = 120_000;
/** Idle time after which the helper thread is stopped (its heap holds the last file's leftovers). */
const IDLE_MS = 1_000;
/**
 * The helper's young generation, in MB (a worker's default here: 48, the main thread's size too).
 * Measured, cause not pinned down: typescript.js (whose AST all survives its parse) took ~7%
 * longer to instrument on a default worker than on the main thread, and as long with this
 * (alternating rounds of transformSource on a Worker with and without the limit).
 */
const YOUNG_GENERATION_MB = 16;

interface Helper {
  worker: Worker;
  port: MessagePort;
  flag: Int32Array;
  broken: boolean;
  idle?: ReturnType<typeof setTimeout>;
}
let helper: Helper | undefined;
/** Files transformed on the helper thread so far (tests and diagnostics). */
export const offloadStats = { jobs: 0, helpersStarted: 0 };

/** One job for the helper thread (offload-worker.ts). */
export interface OffloadJob {
  source: string;
  filename: string;
  opts: TransformOptions;
  slot: CacheSlot | undefined;
}

export interface OffloadReply {
  ok?: EncodedResult;
  error?: { name: string; message: string; code?: string };
}

function startHelper(): Helper {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL('./offload-worker.js', import.meta.url), {
    workerData: { port: port2, flag },
    transferList: [port2],
    execArgv: [],
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    stdout: false,
    stderr: false,
  });
  worker.unref();
  port1.unref();
  const h: Helper = { worker, port: port1, flag, broken: false };
  worker.on('error', () => (h.broken = true));
  worker.on('exit', () => (h.broken = true));
  offloadStats.helpersStarted++;
  return h;
}

function stopHelper(h: Helper): void {
  h.broken = true;
  if (h.idle) clearTimeout(h.idle);
  if (helper === h) helper = undefined;
  void h.worker.terminate();
}

/** Runs one job on the helper; undefined when the helper failed or did not answer in time. */
function runOnHelper(h: Helper, job: OffloadJob): OffloadReply | undefined {
  if (h.idle) clearTimeout(h.idle);
  Atomics.store(h.flag, 0, 0);
  h.worker.postMessage(job);
  const waited = Atomics.wait(h.flag, 0, 0, WAIT_MS);
  const msg = receiveMessageOnPort(h.port)?.message as OffloadReply | undefined;
  if (waited === 'timed-out' || !msg) {
    stopHelper(h);
    return undefined;
  }
  h.idle = setTimeout(() => stopHelper(h), IDLE_MS);
  h.idle.unref();
  return msg;
}

/** core.ts's `Transformer` for threads that run user code: the transform runs on the helper thread. */
export function offloadTransform(source: string, filename: string, opts: TransformOptions, slot: CacheSlot | undefined): TransformResult {
  const job: OffloadJob = { source, filename, opts, slot };
  let msg: OffloadReply | undefined;
  for (let attempt = 0; attempt < 2 && !msg; attempt++) {
    if (!helper || helper.broken) helper = startHelper();
    msg = runOnHelper(helper, job);
  }
  if (!msg) throw new Error(`tsfuzz: cannot transform ${filename}: the transform thread failed or did not answer`);
  if (msg.error) {
    const Ctor = msg.error.name === 'SyntaxError' ? SyntaxError : Error;
    const err = new Ctor(msg.error.message);
    if (msg.error.code) (err as { code?: string }).code = msg.error.code;
    throw err;
  }
  offloadStats.jobs++;
  return decoded(msg.ok!);
}
