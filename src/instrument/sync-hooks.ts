/**
 * In-thread synchronous hooks through `module.registerHooks` (Node 22.15+ / 23.5+). One pair of
 * hooks sees every load on the thread — ESM import, CommonJS require, require(esm) — so no
 * `_compile` patch is needed (only cjs.ts's `require('./x.js')` → x.ts resolution, which CommonJS
 * compiled by the ESM loader bypasses the hooks for). Installed by register.ts when the API exists.
 * Rule: TypeScript is always read and stripped by us (Node may refuse .ts in node_modules);
 * other files are transformed only when the filter selects them.
 */
import Module from 'node:module';
import { fileURLToPath } from 'node:url';
import { installCjsResolve } from './cjs.js';
import { type LoaderCore, RETRY_CODES, normalizeFormat, retrySpecifiers } from './core.js';
import { declaredFormat, isTypeScriptFile } from './filter.js';

interface SyncLoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | ArrayBufferView | null;
  shortCircuit?: boolean;
}
interface SyncHooks {
  resolve?: (specifier: string, context: object, next: (s: string, c?: object) => { url: string }) => { url: string };
  load?: (url: string, context: { format?: string | null }, next: (u: string, c?: object) => SyncLoadResult) => SyncLoadResult;
}
type RegisterHooks = (hooks: SyncHooks) => { deregister(): void };

export function hasSyncHooks(): boolean {
  return typeof (Module as unknown as { registerHooks?: unknown }).registerHooks === 'function';
}

export function installSyncHooks(state: { core: LoaderCore }): void {
  const registerHooks = (Module as unknown as { registerHooks: RegisterHooks }).registerHooks;
  installCjsResolve();
  registerHooks({
    resolve(specifier, context, next) {
      try {
        return next(specifier, context);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (!RETRY_CODES.has(code)) throw e;
        for (const alt of retrySpecifiers(specifier, (context as { parentURL?: string }).parentURL)) {
          try {
            return next(alt, context);
          } catch {
            // next candidate
          }
        }
        throw e;
      }
    },
    load(url, context, next) {
      const core = state.core;
      if (!url.startsWith('file:')) return next(url, context);
      const filename = fileURLToPath(url);
      if (isTypeScriptFile(filename)) {
        const r = core.transformFile(filename, declaredFormat(filename));
        return { format: r.format, source: r.source, shortCircuit: true };
      }
      if (!core.filter.instrument(filename)) return next(url, context);
      const res = next(url, context);
      // A required .js outside a "type" scope comes without a format: Node decides later, from
      // the syntax; transform() makes the same decision.
      const format = normalizeFormat(res.format);
      if ((!format && res.format != null) || res.source == null) return res;
      const src = res.source;
      const text = typeof src === 'string' ? src : new TextDecoder().decode(src as Uint8Array);
      const r = core.transform(text, filename, format);
      return { format: r.format, source: r.source, shortCircuit: true };
    },
  });
}
