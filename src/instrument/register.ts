/**
 * Entry point of the instrumenting loader: the engine calls `registerLoader` at the start of each
 * execution thread (and the discovery process) before any user file is imported.
 * Node 22.15+/23.5+: one set of synchronous in-thread hooks (sync-hooks.ts). Older Node: async ESM
 * hooks on Node's hooks thread (hooks.ts) plus the CommonJS `_compile` patch (cjs.ts). Nothing
 * imported here loads the transformer (meriyah, amaro): this thread's misses go to offload.ts.
 * Rule: source maps are enabled first, and each thread registers at most once (later calls only
 * update the options where the hook flavour allows it).
 */
import Module from 'node:module';
import { installCjsHooks } from './cjs.js';
import { LoaderCore } from './core.js';
import type { LoaderOptions } from './filter.js';
import { offloadTransform } from './offload.js';
import { hasSyncHooks, installSyncHooks } from './sync-hooks.js';

export type { LoaderOptions } from './filter.js';

export interface RegisterOptions extends LoaderOptions {
  /** Hook flavour: 'auto' (default) = sync hooks when Node has them, else async + CJS patch. */
  hooks?: 'auto' | 'sync' | 'async';
}

const REGISTERED = Symbol.for('tsfuzz.loader.registered');
type Registered = { kind: 'sync' | 'async'; state: { core: LoaderCore } };

/** Which hook flavour this thread uses, or undefined before `registerLoader`. */
export function loaderKind(): 'sync' | 'async' | undefined {
  return (globalThis as { [REGISTERED]?: Registered })[REGISTERED]?.kind;
}

export function registerLoader(opts: RegisterOptions): void {
  process.setSourceMapsEnabled(true);
  const { hooks = 'auto', ...loaderOpts } = opts;
  // This thread runs user code: cache misses are transformed on a helper thread (offload.ts).
  const core = new LoaderCore(loaderOpts, offloadTransform);
  const g = globalThis as { [REGISTERED]?: Registered };
  const existing = g[REGISTERED];
  if (existing) {
    existing.state.core = core; // the async ESM hooks keep their first options
    if (existing.kind === 'async') installCjsHooks(core);
    return;
  }
  const useSync = hooks === 'sync' || (hooks === 'auto' && hasSyncHooks());
  if (useSync) {
    if (!hasSyncHooks()) throw new Error('tsfuzz: module.registerHooks is not available in this Node.js');
    const state = { core };
    installSyncHooks(state);
    Object.defineProperty(g, REGISTERED, { value: { kind: 'sync', state }, configurable: true });
    return;
  }
  Module.register(new URL('./hooks.js', import.meta.url), { data: { ...loaderOpts } });
  installCjsHooks(core);
  Object.defineProperty(g, REGISTERED, { value: { kind: 'async', state: { core } }, configurable: true });
}
