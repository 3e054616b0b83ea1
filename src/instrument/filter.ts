/**
 * Which files the loaders transform, and as what format: the default "user code" rule (outside
 * node_modules and outside tsfuzz itself) adjusted by include/exclude globs, and Node's format rules
 * (extension, nearest package.json "type"). Used by hooks.ts, cjs.ts and sync-hooks.ts.
 * Rule: type stripping applies to every TypeScript file; instrumentation only to selected files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type PicomatchModule from 'picomatch';
import { requirePrivately } from '../util/private-require.js';
import type { ModuleFormat } from './transform.js';

export interface LoaderOptions {
  instrument: boolean;
  include?: string[];
  exclude?: string[];
  cacheDir?: string;
  /** Rewrite comparisons into compare hooks (default true). */
  compares?: boolean;
}

/** tsfuzz's own package root (this file is <root>/dist/instrument/filter.js). */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const OWN_DIRS = ['dist', 'src', 'node_modules'].map((d) => toSlash(path.join(ROOT, d)) + '/');

function toSlash(p: string): string {
  return p.replace(/\\/g, '/');
}

/**
 * A glob (picomatch syntax) as a RegExp over '/'-separated absolute paths: `**` any depth, `*`
 * and `?` within a segment, `{a,b}` alternatives, `[...]` classes; dot folders match like any
 * other (pnpm keeps packages under `node_modules/.pnpm/`). A relative pattern matches at any
 * depth (`node_modules/x/**` = `**\/node_modules/x/**`).
 */
export function globToRegExp(glob: string): RegExp {
  const picomatch = loadPicomatch();
  let g = toSlash(glob);
  if (!g.startsWith('/') && !g.startsWith('**') && !/^[a-z]:\//i.test(g)) g = '**/' + g;
  return picomatch.makeRe(g, { dot: true, posix: true, nocase: process.platform === 'win32' });
}

let picomatchModule: typeof PicomatchModule | undefined;
/** picomatch, loaded on first use (this file runs in the thread that runs user code). */
function loadPicomatch(): typeof PicomatchModule {
  return (picomatchModule ??= requirePrivately<typeof PicomatchModule>('picomatch', import.meta.url));
}

/** Whether an absolute file path matches `glob` (as --include and --exclude take it). */
export function globMatcher(glob: string): (file: string) => boolean {
  const re = globToRegExp(glob);
  return (file) => re.test(toSlash(file));
}

export class FileFilter {
  private readonly include: Array<(file: string) => boolean>;
  private readonly exclude: Array<(file: string) => boolean>;

  constructor(readonly opts: LoaderOptions) {
    this.include = (opts.include ?? []).map(globMatcher);
    this.exclude = (opts.exclude ?? []).map(globMatcher);
  }

  /** Whether an absolute file path gets coverage instrumentation. */
  instrument(file: string): boolean {
    if (!this.opts.instrument) return false;
    if (this.exclude.some((m) => m(file))) return false;
    if (this.include.some((m) => m(file))) return true;
    const p = toSlash(file);
    if (p.includes('/node_modules/')) return false;
    return !OWN_DIRS.some((d) => p.startsWith(d));
  }
}

const typeCache = new Map<string, string | undefined>();

/** "type" of the nearest package.json above `file` (undefined when none or no "type"). */
export function packageType(file: string): string | undefined {
  const dir = path.dirname(file);
  return typeOfDir(dir);
}

function typeOfDir(dir: string): string | undefined {
  if (typeCache.has(dir)) return typeCache.get(dir);
  if (path.basename(dir) === 'node_modules') return undefined; // Node stops its lookup there too
  let result: string | undefined;
  const pj = path.join(dir, 'package.json');
  let text: string | undefined;
  try {
    text = fs.readFileSync(pj, 'utf8');
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    try {
      const t = (JSON.parse(text) as { type?: unknown }).type;
      result = typeof t === 'string' ? t : undefined;
    } catch {
      result = undefined;
    }
  } else {
    const parent = path.dirname(dir);
    result = parent === dir ? undefined : typeOfDir(parent);
  }
  typeCache.set(dir, result);
  return result;
}

/**
 * Format Node assigns before looking at the syntax: by extension, then package "type";
 * undefined = ambiguous (.js/.ts without "type"), to be detected from the code.
 */
export function declaredFormat(file: string): ModuleFormat | undefined {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.mjs' || ext === '.mts') return 'module';
  if (ext === '.cjs' || ext === '.cts') return 'commonjs';
  const t = packageType(file);
  if (t === 'module') return 'module';
  if (t === 'commonjs') return 'commonjs';
  return undefined;
}

export const TS_EXTENSIONS = ['.ts', '.mts', '.cts'];

/** True for the extensions that need type stripping (declaration files excluded). */
export function isTypeScriptFile(filename: string): boolean {
  return /\.[cm]?ts$/i.test(filename) && !/\.d\.[cm]?ts$/i.test(filename);
}
