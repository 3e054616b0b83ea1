/**
 * Loads fuzz files and collects the targets they register, attributing each to its file.
 * Runs wherever user code runs: the worker's execution thread (also used for discovery), never the
 * coordinator. Errors are UserErrors naming the file: a syntax error, a missing import, a file
 * that registers nothing, two targets with one name in one directory.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { registry, type RegisteredTarget } from '../api/registry.js';
import { userFrames } from '../report/signature.js';
import { UserError, errorMessage } from '../util/errors.js';

/** The first line of a load error, with the location Node gives for syntax errors. */
function loadErrorLine(file: string, e: unknown): string {
  const rel = path.relative(process.cwd(), file) || file;
  let msg = errorMessage(e).split('\n')[0];
  if (!(e instanceof Error)) return `${rel}: failed to load: threw ${msg}`;
  const code = (e as { code?: string }).code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    msg = msg.replace(/ imported from .*$/, '').replace(/^Cannot find module '([^']*)'.*$/, "Cannot find module '$1'");
    return `${rel}: cannot load: ${msg}; check the import path and that the package is installed`;
  }
  const stack = String(e.stack ?? '');
  const frames = userFrames(stack, 1);
  if (e instanceof SyntaxError && frames.length === 0) {
    // A parse error: no user code ran. Node puts "file:line" on the first stack line; our
    // transformer puts "<file>:<line>:<col>: " in front of the message.
    const ours = /^(\/[^\s]*?:\d+:\d+): /.exec(msg);
    if (ours) msg = msg.slice(ours[0].length);
    const nodes = /^((?:file:\/\/)?\/[^\n]*?:\d+)\n/.exec(stack);
    const loc = ours ? ours[1] : nodes ? nodes[1].replace(/^file:\/\//, '') : locateSyntaxError(file);
    const shownWhere = loc ? ` (${path.relative(process.cwd(), loc) || loc})` : '';
    return `${rel}: syntax error: ${msg}${shownWhere}${syntaxHint(file, msg, loc)}`;
  }
  const where = frames[0] ? ` (${path.relative(process.cwd(), frames[0].file)}:${frames[0].line}:${frames[0].col})` : '';
  return `${rel}: failed to load: ${e.name}: ${msg}${where}`;
}

/** What to do about syntax error `msg` met at `loc` while loading fuzz file `file` ('' when there is nothing to say). */
function syntaxHint(file: string, msg: string, loc: string | undefined): string {
  // ESM syntax where Node's rules say CommonJS (an extension or package "type" decides).
  if (/Cannot use import statement outside a module|module goal/.test(msg)) {
    return /\.c[jt]s$/i.test(file)
      ? '; .cts and .cjs files are CommonJS: use require() (in TypeScript also import x = require(...)), or rename the file to .mts/.mjs'
      : '; the file is CommonJS by Node\'s rules: add "type": "module" to package.json, or rename it to .mts/.mjs';
  }
  if (!loc) return '';
  // A TypeScript file that imports or re-exports a name its module has no runtime export of: most
  // often a type (an interface, a type alias) re-exported as `export { T } from './types'`, which
  // tsc elides using the other file's types and which type stripping, one file at a time, cannot.
  const missing = /does not provide an export named '([^']+)'/.exec(msg);
  if (missing && /\.[mc]?tsx?:\d+(:\d+)?$/.test(loc)) {
    const name = missing[1];
    return `; if ${name} is a type, mark it as one there: export type { ${name} } (or import type { ${name} }), since types are removed one file at a time`;
  }
  if (/^Invalid or unexpected token$/.test(msg) && /^\s*@[\w$]|[\s{;]@[\w$][\w$.]*(\(|\s+[\w$#])/.test(lineAt(loc))) {
    return '; Node cannot run decorators yet: in JavaScript files they need your build step (in TypeScript files tsfuzz compiles them with your project\'s TypeScript)';
  }
  return '';
}

/** The text of line `file:line` (`loc`), or '' if it cannot be read. */
function lineAt(loc: string): string {
  const m = /^(.*):(\d+)(?::\d+)?$/.exec(loc);
  try {
    return m ? (fs.readFileSync(m[1], 'utf8').split('\n')[Number(m[2]) - 1] ?? '') : '';
  } catch {
    return '';
  }
}

/**
 * Where V8 found a syntax error that reached us without a location (an ES module's compile error:
 * Node 20 keeps its `file:line` only for the report of an uncaught error), as a `/path:line`: the
 * fuzz file is imported again in a child process with the same type stripping, and the first line
 * Node prints for the uncaught error is read. No user code runs there when the error is in the
 * static import graph (a graph that does not compile is not evaluated); for a module imported
 * dynamically, the code before that import runs once more. Undefined if that does not tell.
 */
function locateSyntaxError(file: string): string | undefined {
  const register = new URL('../instrument/register.js', import.meta.url).href;
  const script = `import { registerLoader } from ${JSON.stringify(register)}; registerLoader({ instrument: false }); await import(${JSON.stringify(pathToFileURL(file).href)});`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'ignore', 'pipe'] });
  const m = /^(?:file:\/\/)?(\/[^\n]*?:\d+)\n/.exec(r.stderr ?? '');
  return m ? decodeURIComponent(m[1]) : undefined;
}

/** Imports each fuzz file in order and returns the targets registered, in registration order. */
export async function loadFuzzFiles(files: readonly string[], onFile: (file: string) => void = () => {}): Promise<RegisteredTarget[]> {
  const reg = registry();
  const start = reg.targets.length;
  for (const file of files) {
    const before = reg.targets.length;
    reg.currentFile = file;
    onFile(file);
    try {
      await import(pathToFileURL(file).href);
    } catch (e) {
      throw new UserError(loadErrorLine(file, e));
    } finally {
      reg.currentFile = undefined;
    }
    if (reg.targets.length === before) {
      const rel = path.relative(process.cwd(), file);
      throw new UserError(`${rel}: registers no fuzz targets; call fuzz('Name', [bytes()], (t, data) => { … }) in it`);
    }
  }
  const targets = reg.targets.slice(start);
  checkDuplicates(targets);
  return targets;
}

/** Two targets with one name in one directory would share testdata/fuzz/<Name>: an error. */
export function checkDuplicates(targets: readonly RegisteredTarget[]): void {
  const seen = new Map<string, RegisteredTarget>();
  for (const t of targets) {
    const key = `${path.dirname(t.file)}\0${t.name}`;
    const prev = seen.get(key);
    if (prev) {
      const a = path.relative(process.cwd(), prev.file);
      const b = path.relative(process.cwd(), t.file);
      throw new UserError(
        a === b
          ? `${a}: two fuzz targets are named ${t.name}; give each a unique name`
          : `fuzz target ${t.name} is defined in both ${a} and ${b}; they would share testdata/fuzz/${t.name}, so rename one`,
      );
    }
    seen.set(key, t);
  }
}
