/**
 * [coordinator] The environment a worker process starts with: the caller's, its configuration,
 * and glibc's malloc told to back its large blocks with transparent huge pages.
 *
 * Why the last: a worker's first load of a big file (instrumenting typescript.js, 9 MB) moves
 * tens of megabytes through malloc'd memory (the source, the 27 MB output buffer, the code as a
 * string, the cache file read back), and on this machine kind every fresh 4 KiB page costs a
 * fault of ~10 µs. `glibc.malloc.hugetlb=1` (glibc ≥ 2.35) makes malloc advise huge pages for
 * what it maps, which took typescript.js's first instrumentation from 80k to 53k page faults
 * and its load from the cache from ~0.15 s to ~0.09 s (bench/instrument-time.mjs; the V8 heap is
 * not malloc'd and keeps its faults). Other C libraries and older glibc ignore the variable.
 * Rule: a tunable the user set is never overridden; the target's own child processes inherit
 * the variable (it changes nothing but where malloc's pages come from).
 */
import type { WorkerConfig } from './protocol.js';

/** The glibc tunables a worker process gets unless the user set them. */
const WORKER_TUNABLES: ReadonlyArray<readonly [string, string]> = [['glibc.malloc.hugetlb', '1']];

/** `tunables` (GLIBC_TUNABLES syntax: `name=value:name=value`) with ours added where unset. */
export function withWorkerTunables(tunables: string | undefined): string {
  const parts = tunables ? tunables.split(':').filter((p) => p.length > 0) : [];
  const named = new Set(parts.map((p) => p.split('=')[0]));
  for (const [name, value] of WORKER_TUNABLES) if (!named.has(name)) parts.push(`${name}=${value}`);
  return parts.join(':');
}

/** `base` (the coordinator's environment) as a worker gets it. */
export function workerEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...base, GLIBC_TUNABLES: withWorkerTunables(base.GLIBC_TUNABLES) };
}

/** The environment of a worker process started with `config`. */
export function workerEnv(config: WorkerConfig, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...workerEnvironment(base), TSFUZZ_WORKER_CONFIG: JSON.stringify(config) };
}
