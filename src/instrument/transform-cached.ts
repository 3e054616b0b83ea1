/**
 * The transform with the on-disk cache around it, for the threads that may load the transformer:
 * the loaders' helper thread (offload-worker.ts), Node's hooks thread (hooks.ts), benchmarks and
 * tests. The thread that runs user code reads the cache itself (core.ts) and sends only misses here.
 * Rule: a result is stored under the key it was looked up with; storing never fails a transform.
 */
import { cacheKey, readOrMake, writeEntry, type CacheSlot } from './cache.js';
import { decoded } from './text-buffer.js';
import { transformEncoded, transformSource, type EncodedResult, type TransformOptions, type TransformResult } from './transform.js';

export interface CachedTransformOptions extends TransformOptions {
  /** Cache directory; undefined = no cache. */
  cacheDir?: string;
}

/** Transforms a file that missed the cache and stores the result in `slot` (when given). */
export function transformAndStore(source: string, filename: string, opts: TransformOptions, slot: CacheSlot | undefined): TransformResult {
  return decoded(transformAndStoreEncoded(source, filename, opts, slot));
}

/** transformAndStore with the code left encoded (for the helper thread, which sends it on as is). */
export function transformAndStoreEncoded(source: string, filename: string, opts: TransformOptions, slot: CacheSlot | undefined): EncodedResult {
  const r = transformEncoded(source, filename, opts);
  if (slot) writeEntry(slot.dir, slot.key, r);
  return r;
}

/** `transformSource` through the cache (when `opts.cacheDir` is set; one transform per miss across processes). */
export function transformCached(source: string, filename: string, opts: CachedTransformOptions): TransformResult {
  const { cacheDir, ...topts } = opts;
  if (!cacheDir) return transformSource(source, filename, topts);
  const slot: CacheSlot = { dir: cacheDir, key: cacheKey(source, filename, topts) };
  return readOrMake(slot, () => transformAndStore(source, filename, topts, slot));
}
