/**
 * What type stripping cannot do, done by the project's own TypeScript (`transpileModule`: this one
 * file, no type check, as ts-node's transpile-only mode and tsx do):
 * - decorators (`@Injectable()`, class-validator's `@IsEmail()`, …), which Node cannot run and
 *   stripping leaves in place, compiled with the decorator settings of the file's tsconfig.json:
 *   legacy `experimentalDecorators` (with `emitDecoratorMetadata`) or TC39 decorators;
 * - import and export declarations in a file Node loads as CommonJS (a package without
 *   `"type": "module"` — `npm init` writes `"type": "commonjs"` — or a .cts file), which tsc with
 *   `"module": "commonjs"` turns into require() and exports, and Node refuses as they are.
 * The compiler is resolved from the file's folder, as the project's own build would find it, and
 * is loaded only when such a file is met; without one, the error says how to install it.
 * Used by strip.ts, which finds decorators with decorators.ts and import and export declarations
 * with moduleSyntaxAt here; the settings (tsconfig.ts) and the compiler's version
 * (typescript-package.ts) are part of the transform cache key (cache.ts).
 * Rule: a file with neither never reaches TypeScript, and pays no more than a scan for '@' and,
 * loaded as CommonJS, for the words import and export (and a parse when they are there).
 */
import path from 'node:path';
import { requirePrivately } from '../util/private-require.js';
import { moduleOnly } from './goal.js';
import { decoratorSettings, esModuleInterop, IMPORT_OR_EXPORT } from './tsconfig.js';
import { typescriptPackage } from './typescript-package.js';

interface TypeScriptApi {
  version: string;
  ScriptTarget: { ES2022: number };
  ModuleKind: { CommonJS: number; ESNext: number; Preserve?: number };
  transpileModule(
    source: string,
    options: { fileName: string; compilerOptions: Record<string, unknown> },
  ): { outputText: string; sourceMapText?: string };
}

/** The project's TypeScript per folder searched from (null: not installed there). */
const compilers = new Map<string, TypeScriptApi | null>();

function compilerFor(filename: string): TypeScriptApi | null {
  const dir = path.dirname(filename);
  let ts = compilers.get(dir);
  if (ts === undefined) {
    // The same package whose version is in the cache key (typescript-package.ts).
    const pkg = typescriptPackage(dir);
    try {
      ts = pkg ? requirePrivately<TypeScriptApi>(pkg.main, filename) : null;
    } catch {
      ts = null;
    }
    compilers.set(dir, ts);
  }
  return ts;
}

/** Line and column (1-based) of `offset` in `text`. */
function lineCol(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `${line}:${offset - lineStart + 1}`;
}

/** Why a file goes to the project's TypeScript (stripTypes): what TypeScript must do with it. */
export interface CompileNeeds {
  /** Offset in the source of the first decorator, or of the first import or export to convert (-1: not known where). */
  at: number;
  /** It is loaded as CommonJS but has import or export declarations: convert them to require/exports. */
  commonjs: boolean;
}

/**
 * Compiles `source` with the project's TypeScript: the JavaScript and the `mappings` of its source
 * map back to `source`. Decorators follow the file's tsconfig.json; import and export declarations
 * of a file loaded as CommonJS become require() and exports, as tsc's `"module": "commonjs"` makes
 * them (with tsconfig's `esModuleInterop`, true when unset); otherwise they are kept as written.
 * Throws a SyntaxError naming the file when no TypeScript is installed.
 */
export function compileTypeScript(source: string, filename: string, needs: CompileNeeds): { code: string; map: string } {
  const ts = compilerFor(filename);
  if (!ts) {
    const at = needs.at;
    const install = "TypeScript's compiler, which tsfuzz takes from your project: install it there (npm install --save-dev typescript)";
    const cts = /\.cts$/i.test(filename);
    const why = !needs.commonjs
      ? `decorators need ${install}`
      : cts
        ? `import and export in a .cts file (CommonJS) need ${install}, or use require() (in TypeScript also import x = require(...)), or rename the file to .mts`
        : `import and export in a file Node loads as CommonJS (package.json "type") need ${install}, or add "type": "module" to package.json, or rename the file to .mts`;
    throw new SyntaxError(`${filename}${at >= 0 ? `:${lineCol(source, at)}` : ''}: ${why}`);
  }
  const dir = path.dirname(filename);
  const out = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: {
      ...decoratorSettings(dir),
      target: ts.ScriptTarget.ES2022,
      // Otherwise imports and exports as written (TypeScript 5.4+), so Node decides the format as
      // it does for stripped files; older compilers keep ES module syntax.
      module: needs.commonjs ? ts.ModuleKind.CommonJS : (ts.ModuleKind.Preserve ?? ts.ModuleKind.ESNext),
      ...(needs.commonjs ? { esModuleInterop: esModuleInterop(dir) } : {}),
      sourceMap: true,
      inlineSourceMap: false,
      removeComments: false,
      verbatimModuleSyntax: false,
      isolatedModules: true,
    },
  });
  const code = out.outputText.replace(/\n\/\/# sourceMappingURL=[^\n]*\s*$/, '\n');
  const map = out.sourceMapText ? (JSON.parse(out.sourceMapText) as { mappings: string }).mappings : '';
  return { code, map };
}

/**
 * Where `js` (a TypeScript file's JavaScript, types stripped) has its first import or export
 * declaration, which a file loaded as CommonJS cannot run: its offset when the file reads as a
 * module and not as a CommonJS script; -1 when it has none (a top-level await alone is left to
 * Node's error: CommonJS has no equivalent).
 */
export function moduleSyntaxAt(js: string): number {
  if (!IMPORT_OR_EXPORT.test(js)) return -1;
  const first = moduleOnly(js, true)?.body.find((s) => /^(?:Import|Export)/.test(s.type));
  return first ? ((first as { start?: number }).start ?? 0) : -1;
}
