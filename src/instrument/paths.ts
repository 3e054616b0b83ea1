/**
 * tsconfig.json `paths` and `baseUrl` aliases (`import { parse } from '@/parser'`), resolved as tsc,
 * tsx and Vite's tsconfig-paths resolve them: the files the nearest tsconfig.json of the importing
 * file maps a bare specifier to (tsconfig.ts finds and reads it, `extends` included). Used by
 * the three resolve hooks (hooks.ts, sync-hooks.ts, cjs.ts) only after Node's own resolution
 * failed: a specifier that resolves costs nothing extra, and an installed package wins over an
 * alias of the same name (tsc would take the alias). Importers inside node_modules get no aliases.
 * Rule: returns existing files only, in the order TypeScript would try them; never throws for a
 * broken tsconfig (the import then fails with Node's own error).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PathsMatcher } from 'get-tsconfig';
import { tsconfigFor, tsconfigLib } from './tsconfig.js';

/** Matcher per tsconfig file (null: it has no paths and no baseUrl). */
const matchers = new Map<string, PathsMatcher | null>();

/** Whether `specifier` is bare (a package name or an alias), not a path, URL or builtin. */
export function isBareSpecifier(specifier: string): boolean {
  return !/^(\.{1,2}(\/|\\|$)|\/|\\|[a-z][a-z0-9+.-]*:|#)/i.test(specifier) && !path.isAbsolute(specifier);
}

/**
 * Existing files that tsconfig aliases map `specifier` to, for an import from `parentFile` (an
 * absolute path), best first; empty when no alias applies.
 */
export function aliasTargets(specifier: string, parentFile: string | undefined): string[] {
  if (!parentFile || !isBareSpecifier(specifier) || /[\\/]node_modules[\\/]/.test(parentFile)) return [];
  const matcher = matcherFor(path.dirname(parentFile));
  if (!matcher) return [];
  let mapped: string[];
  try {
    mapped = matcher(specifier);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const target of mapped) for (const file of probe(target)) if (!out.includes(file)) out.push(file);
  return out;
}

/** aliasTargets for an importer given as a URL (ESM hooks), as file URLs. */
export function aliasUrls(specifier: string, parentURL: string | undefined): string[] {
  if (!parentURL?.startsWith('file:')) return [];
  return aliasTargets(specifier, fileURLToPath(parentURL)).map((f) => pathToFileURL(f).href);
}

function matcherFor(dir: string): PathsMatcher | null {
  const config = tsconfigFor(dir); // unreadable or invalid: no aliases (Node's error stands)
  if (!config) return null;
  let m = matchers.get(config.path);
  if (m === undefined) {
    try {
      m = tsconfigLib().createPathsMatcher(config);
    } catch {
      m = null;
    }
    matchers.set(config.path, m);
  }
  return m;
}

/**
 * The files an alias target may name, as TypeScript resolves them: the path itself, `.js`-family
 * names also as their TypeScript twins, extensionless ones with each extension and as a folder's
 * index. Only existing files are returned.
 */
function probe(target: string): string[] {
  const ext = path.extname(target);
  let names: string[];
  if (/^\.[cm]?js$/.test(ext)) names = [target.slice(0, -ext.length) + ext.replace('js', 'ts'), target];
  else if (/^\.(json|node|[cm]?ts|[jt]sx)$/i.test(ext)) names = [target];
  else {
    // No extension, or a dot that is part of the name (`@/codec.v2`).
    const exts = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json'];
    names = [target, ...exts.map((e) => target + e), ...exts.slice(0, 6).map((e) => path.join(target, 'index' + e))];
  }
  return names.filter(isFile);
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}
