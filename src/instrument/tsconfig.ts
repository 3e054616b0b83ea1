/**
 * The nearest tsconfig.json of a folder, as TypeScript finds it (get-tsconfig: `extends` chains,
 * comments and trailing commas included), for the parts of the loader that follow the project's
 * TypeScript settings: path aliases (paths.ts), decorators and module conversion (tsc.ts,
 * and the transform cache key of a file the compiler may compile, with its version:
 * typescript-package.ts).
 * Rule: never throws; a missing or broken tsconfig is null (the project's defaults then apply).
 * get-tsconfig is loaded on first use, out of the CommonJS cache (util/private-require.ts).
 */
import path from 'node:path';
import type { TsConfigResult } from 'get-tsconfig';
import { requirePrivately } from '../util/private-require.js';
import { typescriptPackage } from './typescript-package.js';

export type GetTsconfig = typeof import('get-tsconfig');

let lib: GetTsconfig | undefined;
/** get-tsconfig's cache of file reads and lookups, shared by every lookup of this thread. */
const fsCache = new Map<string, unknown>();
/** tsconfig file per directory searched from (null: none found or unreadable). */
const configs = new Map<string, TsConfigResult | null>();

/** get-tsconfig itself (loaded on first call); throws only if the package cannot be loaded. */
export function tsconfigLib(): GetTsconfig {
  lib ??= requirePrivately<GetTsconfig>('get-tsconfig', import.meta.url);
  return lib;
}

/** The tsconfig.json that applies to files in `dir`, or null. */
export function tsconfigFor(dir: string): TsConfigResult | null {
  let config = configs.get(dir);
  if (config === undefined) {
    try {
      config = tsconfigLib().getTsconfig(dir, 'tsconfig.json', fsCache as never);
    } catch {
      config = null; // unreadable or invalid
    }
    configs.set(dir, config);
  }
  return config;
}

/** What of tsconfig.json changes the compiled output of a decorated file. */
export interface DecoratorSettings {
  experimentalDecorators: boolean;
  emitDecoratorMetadata: boolean;
  useDefineForClassFields: boolean;
}

/** The decorator settings for a file in `dir`, from its tsconfig.json (TypeScript's defaults without one). */
export function decoratorSettings(dir: string): DecoratorSettings {
  const o = (tsconfigFor(dir)?.config.compilerOptions ?? {}) as Record<string, unknown>;
  const target = typeof o.target === 'string' ? o.target.toLowerCase() : 'es5';
  // TypeScript's default: define semantics for class fields from ES2022 targets on.
  const modernTarget = target === 'esnext' || (/^es(\d{4})$/.test(target) && Number(target.slice(2)) >= 2022);
  return {
    experimentalDecorators: o.experimentalDecorators === true,
    emitDecoratorMetadata: o.experimentalDecorators === true && o.emitDecoratorMetadata === true,
    useDefineForClassFields: typeof o.useDefineForClassFields === 'boolean' ? o.useDefineForClassFields : modernTarget,
  };
}

/**
 * `esModuleInterop` for a file in `dir` compiled to CommonJS (tsc.ts): tsconfig.json's value,
 * true when it sets none (then `import x from 'cjs'` gives module.exports, as Node's own ES module
 * loader gives it).
 */
export function esModuleInterop(dir: string): boolean {
  const o = (tsconfigFor(dir)?.config.compilerOptions ?? {}) as Record<string, unknown>;
  return typeof o.esModuleInterop === 'boolean' ? o.esModuleInterop : true;
}

/**
 * For the transform cache key of `filename`: when the project's TypeScript may compile `source`
 * (it may have decorators: it contains '@'; or, loaded as CommonJS, it may have import or export
 * declarations), what the output depends on besides the source: the settings used and the version
 * of that TypeScript (null: none installed); else ''. Cheap: the tsconfig lookup and the package's
 * resolution are cached per folder, and never load a compiler.
 */
/**
 * The words without which a file has no import or export declaration: the pre-check of tsc.ts's
 * conversion and of its cache salt here, one test so that the salt covers every file converted.
 */
export const IMPORT_OR_EXPORT = /\b(?:import|export)\b/;

export function compileCacheSalt(source: string, filename: string, format: string | undefined): string {
  const decorators = source.includes('@');
  const commonjs = format === 'commonjs' && IMPORT_OR_EXPORT.test(source);
  if (!decorators && !commonjs) return '';
  const dir = path.dirname(filename);
  return JSON.stringify({
    ...(decorators ? decoratorSettings(dir) : {}),
    ...(commonjs ? { esModuleInterop: esModuleInterop(dir) } : {}),
    typescript: typescriptPackage(dir)?.version ?? null,
  });
}
