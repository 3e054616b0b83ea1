/**
 * Helper thread of offload.ts: transforms one file per message with the same options as the
 * loader (and so fills the same cache), replies on the transferred port, then wakes the blocked
 * caller through the shared flag. Started lazily, unref'd: it never keeps a process alive.
 * Rule: always reply, even on error, and post before notifying.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { LoaderCore } from './core.js';
import type { LoaderOptions } from './filter.js';
import type { OffloadReply } from './offload.js';
import type { ModuleFormat } from './transform.js';

const { opts, port, flag } = workerData as { opts: LoaderOptions; port: MessagePort; flag: Int32Array };
const core = new LoaderCore(opts);

parentPort!.on('message', (m: { source: string; filename: string; format: ModuleFormat | undefined }) => {
  let reply: OffloadReply;
  try {
    reply = { ok: core.transform(m.source, m.filename, m.format) };
  } catch (e) {
    const err = e as { name?: string; message?: string; code?: string };
    reply = { error: { name: String(err?.name ?? 'Error'), message: String(err?.message ?? e), code: err?.code } };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
