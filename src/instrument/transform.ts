/**
 * The one place user code is transformed: strip TypeScript types (strip.ts), then, when asked,
 * parse with meriyah and insert coverage counters and compare hooks (visitor.ts, emit.ts) with
 * a flat edit list (edits.ts), and append an inline source map pointing at the original file
 * (map-writer.ts; text that did not move is left unmapped, so frames there print as they are).
 * Called by transform-cached.ts (on the loaders' transform threads: offload-worker.ts, hooks.ts)
 * and by tests.
 * Rule: the output runs exactly like the input and its stack frames map back to the original
 * file:line:col; syntax errors name the file; code V8 accepts but meriyah rejects stays uninstrumented.
 */
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { parseModule, parseScript, type ESTree } from 'meriyah';
import { NO_CODE, SiteEmitter, renderCode, renderedFirst } from './emit.js';
import { Edits } from './edits.js';
import { moduleOnly } from './goal.js';
import { isTypeScriptFile } from './filter.js';
import { INSTRUMENTED_MARKER } from './revision.js';
import { composeMappings, inlineMapComment, writeInlineMapComment } from './sourcemap.js';
import { stripTypes } from './strip.js';
import { decoded, type EncodedText } from './text-buffer.js';
import { Visitor } from './visitor.js';

export type ModuleFormat = 'module' | 'commonjs';

export interface TransformOptions {
  /** Insert coverage counters (and compare hooks). Without it, only types are stripped. */
  instrument: boolean;
  /** Parse goal; undefined = detect like Node does (CommonJS unless it has module syntax). */
  format?: ModuleFormat;
  /**
   * Compare tracing (default true when instrumenting): comparison operators, switch cases and
   * traced method calls report to the runtime's `cmp` hook, and regular expressions add their
   * literal tokens to `literals`. False turns all of it off (plain literals are still collected).
   */
  compares?: boolean;
}

export interface TransformResult {
  code: string;
  /** Number of counter sites (the `count` given to `alloc`). */
  edges: number;
  /** Number of compare sites (ids 0..compareSites-1 relative to the module's compare base). */
  compareSites: number;
  /** String and numeric literals of the file (and regex tokens, regex.ts), for the automatic dictionary. */
  literals: string[];
  /** The format the code was parsed as (the given one, or the detected one). */
  format: ModuleFormat;
  /** Set when instrumentation was skipped because the JavaScript parser rejected the file. */
  warning?: string;
}

const PARSE_OPTIONS = { ranges: { start: true, end: true, range: false }, next: true, preserveParens: true, webcompat: true, validateRegex: false } as const;

/** A transform's result whose code may still be in its output buffer (see transformEncoded). */
export interface EncodedResult extends Omit<TransformResult, 'code'> {
  code: string | EncodedText;
}

export function transformSource(source: string, filename: string, opts: TransformOptions): TransformResult {
  return decoded(transformEncoded(source, filename, opts));
}

/**
 * transformSource, with instrumented code left as the bytes it was written in (TextBuffer's
 * storage): where the code goes to a file and to another thread (transform-cached.ts,
 * offload-worker.ts), making it a string first would copy it twice more (typescript.js: 22 MB).
 */
export function transformEncoded(source: string, filename: string, opts: TransformOptions): EncodedResult {
  const ts = isTypeScriptFile(filename);
  let code = source;
  let inner: string | undefined;
  if (ts) {
    const stripped = stripTypes(source, filename, opts.format === 'commonjs');
    code = stripped.code;
    inner = stripped.map;
  }
  const mapSource = sourceName(filename);

  if (!opts.instrument) {
    const format = opts.format ?? detectFormat(code);
    if (inner) code += '\n' + inlineMapComment(mapSource, inner);
    return { code, edges: 0, compareSites: 0, literals: [], format };
  }

  const planned = plan(code, filename, opts);
  if ('parseError' in planned) {
    // A real syntax error is reported now, naming the file (Node's ESM errors do not). If V8
    // accepts what meriyah rejected, load the file uninstrumented rather than break it.
    const e = planned.parseError;
    if (!v8AcceptsScript(code)) throw new SyntaxError(`${filename}:${describeParseError(e)}`);
    const warning = `tsfuzz: cannot instrument ${filename}: ${describeParseError(e)}; loading it without coverage`;
    if (inner) code += '\n' + inlineMapComment(mapSource, inner);
    return { code, edges: 0, compareSites: 0, literals: [], format: opts.format ?? 'commonjs', warning };
  }
  const { ms, em, literals, format } = planned;
  if (!ms) {
    if (inner) code += '\n' + inlineMapComment(mapSource, inner);
    return { code, edges: 0, compareSites: 0, literals, format };
  }

  const { out, pieces } = ms.build(inner === undefined);
  // The marker goes last so that loaders can recognise our output in O(1); V8 takes the
  // sourceMappingURL comment from anywhere in the file.
  out.str('\n');
  writeInlineMapComment(out, mapSource, inner ? [composeMappings(pieces.join(';'), inner)] : pieces);
  out.str('\n' + INSTRUMENTED_MARKER + '\n');
  return { code: out.encoded(), edges: em.edges, compareSites: em.compares, literals, format };
}

interface Plan {
  /** The edits, prologue included; undefined when there is nothing to insert. */
  ms: Edits | undefined;
  em: SiteEmitter;
  literals: string[];
  format: ModuleFormat;
}

/**
 * Parses and visits `code` into its edit list. The AST lives only in this call: it is garbage
 * by the time the output is built, so a collection during the build need not trace it (on
 * typescript.js, marking the live AST cost ~0.2 s).
 */
function plan(code: string, filename: string, opts: TransformOptions): Plan | { parseError: unknown } {
  let program: ESTree.Program;
  let format: ModuleFormat;
  try {
    [program, format] = parse(code, opts.format);
  } catch (e) {
    return { parseError: e };
  }
  const ms = new Edits(code, renderCode, renderedFirst);
  const em = new SiteEmitter(format === 'module');
  const visitor = new Visitor(code, ms, em, { compares: opts.compares ?? true });
  visitor.program(program);
  const literals = [...visitor.literals];
  if (em.edges === 0 && em.compares === 0 && literals.length === 0) return { ms: undefined, em, literals, format };
  const [at, sep] = prologuePosition(code, program);
  ms.prependLeft(at, sep + em.prologue(moduleKey(filename), literals, code.includes('globalThis')), NO_CODE, '');
  return { ms, em, literals, format };
}

function parse(code: string, format: ModuleFormat | undefined): [ESTree.Program, ModuleFormat] {
  if (format === 'module') return [parseModule(code, PARSE_OPTIONS), 'module'];
  if (format === 'commonjs') return [parseScript(code, { ...PARSE_OPTIONS, globalReturn: true }), 'commonjs'];
  try {
    return [parseScript(code, { ...PARSE_OPTIONS, globalReturn: true }), 'commonjs'];
  } catch (e) {
    try {
      return [parseModule(code, PARSE_OPTIONS), 'module'];
    } catch {
      throw e;
    }
  }
}

/** Node's rule for files without a declared format: CommonJS unless only ESM parsing succeeds. */
export function detectFormat(code: string): ModuleFormat {
  return moduleOnly(code) ? 'module' : 'commonjs';
}

/** Insert point of the prologue: after the hashbang line and the directive prologue. */
function prologuePosition(code: string, program: ESTree.Program): [number, string] {
  let at = 0;
  let sep = '';
  if (code.startsWith('#!')) {
    const nl = code.search(/[\n\r\u2028\u2029]/);
    at = nl < 0 ? code.length : code.startsWith('\r\n', nl) ? nl + 2 : nl + 1;
    if (nl < 0) sep = '\n';
  }
  for (const s of program.body) {
    if (s.type !== 'ExpressionStatement' || typeof (s as { directive?: unknown }).directive !== 'string') break;
    at = (s as { end?: number }).end ?? at;
    sep = ';';
  }
  return [at, sep];
}

/** Key under which a module claims its counters: the absolute path, or the URL if not a file. */
export function moduleKey(filename: string): string {
  return filename;
}

/** `sources` entry of the map: a file URL for absolute paths (resolved the same on every OS). */
function sourceName(filename: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(filename) && !/^[a-z]:[\\/]/i.test(filename)) return filename;
  try {
    return pathToFileURL(filename).href;
  } catch {
    return filename;
  }
}

/** Whether V8 compiles `code` as a CommonJS module body (module syntax counts as rejected). */
function v8AcceptsScript(code: string): boolean {
  try {
    new vm.Script(`(function (exports, require, module, __filename, __dirname) {${code}\n})`);
    return true;
  } catch {
    return false;
  }
}

function describeParseError(e: unknown): string {
  if (e && typeof e === 'object') {
    const err = e as { description?: string; message?: string; loc?: { start?: { line: number; column: number } } };
    const loc = err.loc?.start;
    const msg = err.description ?? err.message ?? String(e);
    return loc ? `${loc.line}:${loc.column + 1}: ${msg}` : msg;
  }
  return String(e);
}
