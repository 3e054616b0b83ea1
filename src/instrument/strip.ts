/**
 * TypeScript → JavaScript with amaro (Node's own type stripper). Strip-only mode replaces types
 * with whitespace, so positions are unchanged and no source map is needed; files using
 * non-erasable syntax (enums, namespaces, parameter properties, `<T>x` casts) fall back to
 * amaro's transform mode, which returns a map from the JS back to the .ts. Imports used only as
 * types are then removed (elide.ts), as tsc and esbuild do. Files with decorators (decorators.ts),
 * which both modes leave in place and Node cannot run, and files loaded as CommonJS that have
 * import or export declarations are compiled by the project's TypeScript instead (tsc.ts).
 * Called by transform.ts.
 * Rule: never return JavaScript whose positions differ from the .ts without also returning a map.
 */
import { createRequire } from 'node:module';
import { firstDecorator } from './decorators.js';
import { compileTypeScript, moduleSyntaxAt } from './tsc.js';
import { elideTypeOnlyImports } from './elide.js';

interface AmaroOutput {
  code: string;
  map?: string;
}
interface Amaro {
  transformSync(source: string, options: { mode: 'strip-only' | 'transform'; filename: string; sourceMap?: boolean }): AmaroOutput;
}
interface SwcError {
  code: 'UnsupportedSyntax' | 'InvalidSyntax';
  message: string;
  startLine?: number;
  startColumn?: number;
  snippet?: string;
}

let amaro: Amaro | undefined;
function loadAmaro(): Amaro {
  // Loaded on first use: it is a 3.7 MB wasm module and plain-JS programs never need it.
  amaro ??= createRequire(import.meta.url)('amaro') as Amaro;
  return amaro;
}

export interface Stripped {
  code: string;
  /** Present when positions moved (transform mode): maps `code` back to the .ts source (encoded `mappings`). */
  map?: string;
}

/**
 * `commonjs`: Node loads the file as CommonJS, so import and export declarations are converted
 * (tsc.ts) rather than left for Node to refuse.
 */
export function stripTypes(source: string, filename: string, commonjs = false): Stripped {
  const a = loadAmaro();
  let stripped: string | undefined;
  try {
    stripped = a.transformSync(source, { mode: 'strip-only', filename }).code;
  } catch (e) {
    if (!isSwcError(e) || e.code !== 'UnsupportedSyntax') throw toSyntaxError(e, filename);
  }
  // Strip-only mode keeps positions (an offset in `stripped` is one in the source); transform mode
  // moves code and returns a map.
  const moved = stripped === undefined;
  let map: string | undefined;
  if (stripped === undefined) {
    let out: AmaroOutput;
    try {
      out = a.transformSync(source, { mode: 'transform', filename, sourceMap: true });
    } catch (e) {
      throw toSyntaxError(e, filename);
    }
    stripped = out.code;
    map = out.map ? (JSON.parse(out.map) as { mappings: string }).mappings : undefined;
  }
  const decoratorAt = firstDecorator(stripped);
  const moduleAt = commonjs ? moduleSyntaxAt(stripped) : -1;
  if (decoratorAt < 0 && moduleAt < 0) return { code: elideTypeOnlyImports(stripped), map };
  const at = moved ? -1 : decoratorAt >= 0 ? decoratorAt : moduleAt;
  return compileTypeScript(source, filename, { at, commonjs: moduleAt >= 0 });
}

function isSwcError(e: unknown): e is SwcError {
  return typeof e === 'object' && e !== null && typeof (e as SwcError).code === 'string' && typeof (e as SwcError).message === 'string';
}

function toSyntaxError(e: unknown, filename: string): unknown {
  if (!isSwcError(e)) return e;
  const where = e.startLine !== undefined ? `${filename}:${e.startLine}${e.startColumn !== undefined ? ':' + (e.startColumn + 1) : ''}` : filename;
  const err = new SyntaxError(`${where}: ${e.message}${e.snippet ? '\n' + e.snippet : ''}`);
  (err as { code?: string }).code = e.code === 'UnsupportedSyntax' ? 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX' : 'ERR_INVALID_TYPESCRIPT_SYNTAX';
  return err;
}
