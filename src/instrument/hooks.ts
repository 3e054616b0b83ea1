/**
 * Asynchronous ESM loader hooks (Node without `module.registerHooks`), registered by register.ts
 * through `module.register` and run on Node's hooks thread, so transforms (and the transformer's
 * own modules) stay out of the memory-limited execution thread. They strip/instrument ES modules
 * (.ts/.mts, and user .js/.mjs), and resolve `./x.js` to `./x.ts` and tsconfig `paths` aliases
 * (core.ts's retrySpecifiers). CommonJS is handed back without source so that Node's CJS loader,
 * whose `_compile` is patched by cjs.ts, loads it: every module is transformed exactly once.
 */
import { fileURLToPath } from 'node:url';
import { LoaderCore, RETRY_CODES, normalizeFormat, retrySpecifiers } from './core.js';
import { declaredFormat, isTypeScriptFile, type LoaderOptions } from './filter.js';
import { transformAndStore } from './transform-cached.js';

interface ResolveContext {
  parentURL?: string;
  conditions?: string[];
  importAttributes?: Record<string, string>;
}
interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
interface LoadContext {
  format?: string | null;
  conditions?: string[];
  importAttributes?: Record<string, string>;
}
interface LoadResult {
  format: string;
  source?: string | ArrayBuffer | Uint8Array | null;
  shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<ResolveResult>;
type NextLoad = (url: string, context?: LoadContext) => Promise<LoadResult>;

let core: LoaderCore | undefined;

export function initialize(data: LoaderOptions | undefined): void {
  core = new LoaderCore(data ?? { instrument: false }, transformAndStore);
}

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<ResolveResult> {
  try {
    return await next(specifier, context);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (!RETRY_CODES.has(code)) throw e;
    for (const alt of retrySpecifiers(specifier, context.parentURL)) {
      try {
        return await next(alt, context);
      } catch {
        // try the next candidate
      }
    }
    throw e;
  }
}

export async function load(url: string, context: LoadContext, next: NextLoad): Promise<LoadResult> {
  if (!core || !url.startsWith('file:')) return next(url, context);
  const filename = fileURLToPath(url);
  if (isTypeScriptFile(filename)) {
    const r = core.transformFile(filename, declaredFormat(filename));
    // CommonJS TypeScript: let the CJS loader (cjs.ts) read and transform it, like any CJS file.
    if (r.format === 'commonjs') return { format: 'commonjs', source: null, shortCircuit: true };
    return { format: 'module', source: r.source, shortCircuit: true };
  }
  if (!core.filter.instrument(filename)) return next(url, context);
  const res = await next(url, context);
  if (normalizeFormat(res.format) !== 'module' || res.source == null) return res;
  const text = typeof res.source === 'string' ? res.source : Buffer.from(res.source as Uint8Array).toString('utf8');
  const r = core.transform(text, filename, 'module');
  return { format: 'module', source: r.source, shortCircuit: true };
}
