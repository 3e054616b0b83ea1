/**
 * Loader logic shared by every hook flavour (async ESM hooks on the hooks thread, the CommonJS
 * `_compile` patch, and synchronous `module.registerHooks`): decide format and instrumentation for
 * a file, read the on-disk cache, hand misses to the transformer it was given (or wait for the
 * process already transforming the same file, cache.ts's `readOrMake`), and find `.ts`
 * files behind `.js`/extensionless specifiers. It never loads the transformer itself: in the
 * thread that runs user code the transformer is the helper thread (offload.ts), so tsfuzz's own
 * meriyah and amaro stay out of that thread's module cache (and can be fuzzed with --include).
 * Rule: the same file with the same options always yields the same code, whichever path loads it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { cacheKey, readOrMake, type CacheSlot } from './cache.js';
import { FileFilter, declaredFormat, isTypeScriptFile, type LoaderOptions } from './filter.js';
import { aliasUrls } from './paths.js';
import { INSTRUMENTED_MARKER } from './revision.js';
import type { ModuleFormat, TransformOptions, TransformResult } from './transform.js';

export interface Loaded {
  format: ModuleFormat;
  source: string;
}

const warned = new Set<string>();

/**
 * Transforms a file that missed the cache and stores the result in `slot` (when given):
 * transform-cached.ts's `transformAndStore` in threads that may load the transformer, or
 * offload.ts's `offloadTransform` (the same, on the helper thread) in threads that run user code.
 */
export type Transformer = (source: string, filename: string, opts: TransformOptions, slot: CacheSlot | undefined) => TransformResult;

export class LoaderCore {
  readonly filter: FileFilter;

  constructor(readonly opts: LoaderOptions, private readonly transformer: Transformer) {
    this.filter = new FileFilter(opts);
  }

  /** Whether the loaders must touch this file at all. */
  wants(filename: string): boolean {
    return isTypeScriptFile(filename) || this.filter.instrument(filename);
  }

  /**
   * Transforms `source` of `filename`. `format` is what Node already knows (extension, package
   * "type" or its own detection); undefined = decide like Node from the code.
   */
  transform(source: string, filename: string, format: ModuleFormat | undefined): Loaded {
    if (isInstrumented(source)) return { format: format ?? 'commonjs', source };
    const opts: TransformOptions = {
      instrument: this.filter.instrument(filename),
      format: format ?? declaredFormat(filename),
      compares: this.opts.compares,
    };
    let r: TransformResult;
    if (this.opts.cacheDir) {
      const slot: CacheSlot = { dir: this.opts.cacheDir, key: cacheKey(source, filename, opts) };
      r = readOrMake(slot, () => this.transformer(source, filename, opts, slot));
    } else {
      r = this.transformer(source, filename, opts, undefined);
    }
    if (r.warning && !warned.has(filename)) {
      warned.add(filename);
      process.emitWarning(r.warning, { code: 'TSFUZZ_UNINSTRUMENTED' });
    }
    return { format: r.format, source: r.code };
  }

  /** Reads and transforms a file from disk. */
  transformFile(filename: string, format: ModuleFormat | undefined): Loaded {
    return this.transform(fs.readFileSync(filename, 'utf8'), filename, format);
  }
}

/** True for code this package already produced (never instrument twice). */
export function isInstrumented(code: string): boolean {
  return code.endsWith('\n' + INSTRUMENTED_MARKER + '\n');
}

/** Maps Node's format names (incl. 22.7+'s "-typescript" ones) to ours; undefined when unknown. */
export function normalizeFormat(format: unknown): ModuleFormat | undefined {
  if (format === 'module' || format === 'module-typescript') return 'module';
  if (format === 'commonjs' || format === 'commonjs-typescript') return 'commonjs';
  return undefined;
}

/**
 * Resolution errors after which the ESM hooks try `retrySpecifiers`: not found, a folder, or a
 * name Node rejects as a package name (`@codec`).
 */
export const RETRY_CODES: ReadonlySet<string | undefined> = new Set([
  'ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND', 'ERR_UNSUPPORTED_DIR_IMPORT', 'ERR_INVALID_MODULE_SPECIFIER',
]);

/**
 * Alternatives for a relative specifier that did not resolve: `./x.js` → `./x.ts` (TypeScript's
 * NodeNext convention), `./x` → `./x.ts` / `./x/index.ts`. Returns specifiers to try, in order.
 */
export function tsAlternatives(specifier: string): string[] {
  if (!/^\.{1,2}\/|^\/|^file:/.test(specifier)) return [];
  const m = /\.([cm]?)js$/.exec(specifier);
  if (m) return [specifier.slice(0, -m[0].length) + `.${m[1]}ts`];
  if (path.posix.extname(specifier.replace(/[?#].*$/, '')) !== '') return [];
  return [specifier + '.ts', specifier + '.mts', specifier + '.cts', specifier.replace(/\/?$/, '/index.ts')];
}

/**
 * What the ESM hooks (hooks.ts, sync-hooks.ts) try, in order, when `specifier` imported from
 * `parentURL` did not resolve: its TypeScript alternatives, then its tsconfig aliases (paths.ts).
 */
export function retrySpecifiers(specifier: string, parentURL: string | undefined): string[] {
  return [...tsAlternatives(specifier), ...aliasUrls(specifier, parentURL)];
}
