/**
 * The project's own `typescript` package as a folder sees it (Node's resolution from there, as
 * the project's build would find it): its entry file, which tsc.ts loads to compile decorated
 * files and convert CommonJS ones, and its version, which is part of those files' transform cache key
 * (tsconfig.ts compileCacheSalt): another compiler may compile them differently, so upgrading
 * TypeScript must not serve output the old one made.
 * Rule: never loads the compiler (the key is computed on every load, in the thread that runs user
 * code, mostly for cache hits); one resolution and one package.json read per folder, memoized.
 */
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

export interface TypeScriptPackage {
  /** The file `require('typescript')` loads from that folder. */
  main: string;
  /** Its package.json's version ('' if unreadable). */
  version: string;
}

/** Per folder resolved from (null: not installed there). */
const found = new Map<string, TypeScriptPackage | null>();

/** The `typescript` package that files in `dir` would load, or null when there is none. */
export function typescriptPackage(dir: string): TypeScriptPackage | null {
  let pkg = found.get(dir);
  if (pkg === undefined) {
    try {
      // Resolution depends only on the folder: any file name in it will do.
      const main = createRequire(path.join(dir, 'noop.js')).resolve('typescript');
      pkg = { main, version: versionAbove(main) };
    } catch {
      pkg = null;
    }
    found.set(dir, pkg);
  }
  return pkg;
}

/**
 * The version in the package.json of the `typescript` package that holds `file`. Found by going
 * up from the file, not by resolving 'typescript/package.json': a package's `exports` may not
 * list it.
 */
function versionAbove(file: string): string {
  for (let dir = path.dirname(file); ; ) {
    try {
      const pj = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pj.name === 'typescript') return String(pj.version ?? '');
    } catch {
      // no package.json here (or not readable): keep going up
    }
    const up = path.dirname(dir);
    if (up === dir || path.basename(dir) === 'node_modules') return '';
    dir = up;
  }
}
