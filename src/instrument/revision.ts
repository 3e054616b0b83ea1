/**
 * What identifies the transform's output without loading the transformer: the revision that is
 * part of every cache key, and the end marker of instrumented code. Imported by the cache and the
 * loaders in the thread that runs user code (core.ts), which must never load meriyah or amaro.
 * Rule: bump TRANSFORM_REVISION whenever the emitted code changes.
 */

/** Bump when the output of the transform changes, so on-disk caches are not reused. */
export const TRANSFORM_REVISION = 10;

/** End marker of instrumented output; lets loaders refuse to instrument twice. */
export const INSTRUMENTED_MARKER = '//# tsfuzz-instrumented';
