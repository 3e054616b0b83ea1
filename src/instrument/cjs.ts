/**
 * CommonJS side of the loader for Node without `module.registerHooks`: patches
 * `Module.prototype._compile` (every CJS module, however it was reached: require, createRequire,
 * an ESM import of CJS) plus `Module._extensions` for .ts/.cts/.mts and `Module._resolveFilename`
 * for `require('./x.js')` → x.ts and tsconfig `paths` aliases (paths.ts). Installed by register.ts
 * in the thread that runs user code.
 * Rule: a module is transformed once; code we already produced is passed through untouched.
 */
import fs from 'node:fs';
import Module from 'node:module';
import type { LoaderCore } from './core.js';
import { isInstrumented, normalizeFormat, tsAlternatives } from './core.js';
import { declaredFormat, isTypeScriptFile, TS_EXTENSIONS } from './filter.js';
import { aliasTargets } from './paths.js';
import type { ModuleFormat } from './transform.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Node's CJS internals are untyped. */
type Compile = (this: any, content: string, filename: string, format?: string) => unknown;
interface ModuleInternals {
  prototype: { _compile: Compile };
  _extensions: Record<string, (module: any, filename: string) => void>;
  _resolveFilename: (request: string, parent: any, isMain: boolean, options?: unknown) => string;
}

const PATCHED = Symbol.for('tsfuzz.cjs.patched');
const RESOLVE_PATCHED = Symbol.for('tsfuzz.cjs.resolve');

/** Installs the CommonJS hooks once per thread; later calls only swap the options. */
export function installCjsHooks(core: LoaderCore): void {
  const M = Module as unknown as ModuleInternals & { [PATCHED]?: { core: LoaderCore } };
  const existing = M[PATCHED];
  if (existing) {
    existing.core = core;
    return;
  }
  const state = { core };
  M[PATCHED] = state;

  const compile = M.prototype._compile;
  M.prototype._compile = function (this: any, content: string, filename: string, format?: string) {
    const c = state.core;
    if (typeof content !== 'string' || !c.wants(filename) || isInstrumented(content)) {
      return compile.call(this, content, filename, format);
    }
    const declared: ModuleFormat | undefined = normalizeFormat(format) ?? declaredFormat(filename);
    const r = c.transform(content, filename, declared);
    return compile.call(this, r.source, filename, r.format);
  };

  for (const ext of TS_EXTENSIONS) {
    M._extensions[ext] = function (module: any, filename: string) {
      const content = fs.readFileSync(filename, 'utf8');
      module._compile(content, filename, declaredFormat(filename));
    };
  }

  installCjsResolve();
}

/**
 * `require('./x.js')` → x.ts when only the .ts exists (TypeScript's NodeNext convention), and a
 * bare specifier that no package provides → its tsconfig alias (paths.ts). Also
 * used with sync hooks: CommonJS compiled by the ESM loader resolves without calling them.
 */
export function installCjsResolve(): void {
  const M = Module as unknown as ModuleInternals & { [RESOLVE_PATCHED]?: boolean };
  if (M[RESOLVE_PATCHED]) return;
  M[RESOLVE_PATCHED] = true;
  const resolveFilename = M._resolveFilename;
  M._resolveFilename = function (this: unknown, request: string, parent: any, isMain: boolean, options?: unknown) {
    try {
      return resolveFilename.call(this, request, parent, isMain, options);
    } catch (e) {
      if ((e as { code?: string }).code !== 'MODULE_NOT_FOUND') throw e;
      const alts = /^\.{1,2}\//.test(request) ? tsAlternatives(request).filter(isTypeScriptFile) : aliasTargets(request, parent?.filename);
      for (const alt of alts) {
        try {
          return resolveFilename.call(this, alt, parent, isMain, options);
        } catch {
          // next candidate
        }
      }
      throw e;
    }
  };
}
