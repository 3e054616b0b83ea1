/**
 * Loads one of tsfuzz's own CommonJS dependencies (picomatch, get-tsconfig) for tsfuzz's use in a
 * thread that runs user code, then removes every module that load added from the CommonJS cache:
 * a user's own `require('picomatch')` (or a fuzz run that includes it with --include) must get a
 * copy of its own, loaded through the instrumenting loader, never ours.
 * Rule: call it lazily, on first need, and keep the result; it never runs user code.
 */
import { createRequire } from 'node:module';

export function requirePrivately<T>(specifier: string, from: string | URL): T {
  const require = createRequire(from);
  const before = new Set(Object.keys(require.cache));
  const mod = require(require.resolve(specifier)) as T;
  for (const key of Object.keys(require.cache)) if (!before.has(key)) delete require.cache[key];
  return mod;
}
