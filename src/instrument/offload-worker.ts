/**
 * Helper thread of offload.ts: transforms one file per message (a cache miss of the thread that
 * runs user code), stores the result in the cache slot it was given, replies on the transferred
 * port (instrumented code as its bytes, moved to the caller), then wakes the blocked caller
 * through the shared flag. Started lazily, unref'd: it never keeps a process alive. This thread,
 * not the caller, loads the transformer (meriyah, amaro).
 * Rule: always reply, even on error, and post before notifying.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { OffloadJob, OffloadReply } from './offload.js';
import { transformAndStoreEncoded } from './transform-cached.js';

const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };

parentPort!.on('message', (m: OffloadJob) => {
  let reply: OffloadReply;
  const transfer: ArrayBuffer[] = [];
  try {
    const ok = transformAndStoreEncoded(m.source, m.filename, m.opts, m.slot);
    // Instrumented code goes back as its bytes, moved, not copied: the caller makes the string.
    // (Cloning typescript.js's 22 MB of output as a string cost ~130 ms between the threads.)
    if (typeof ok.code !== 'string') transfer.push((ok.code.latin1 ?? ok.code.utf16).buffer as ArrayBuffer);
    reply = { ok };
  } catch (e) {
    const err = e as { name?: string; message?: string; code?: string };
    reply = { error: { name: String(err?.name ?? 'Error'), message: String(err?.message ?? e), code: err?.code } };
  }
  port.postMessage(reply, transfer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
