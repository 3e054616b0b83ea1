/**
 * Finds fuzz files: the given files, and *.fuzz.{ts,mts,cts,js,mjs,cjs} under the given folders
 * (default: the current folder), skipping node_modules and dot-folders. Sorted, absolute paths.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FUZZ_FILE_RE } from '../corpus/store.js';
import { UserError } from '../util/errors.js';

export function findFuzzFiles(paths: string[], cwd = process.cwd()): string[] {
  const out = new Set<string>();
  const roots = paths.length ? paths : ['.'];
  for (const p of roots) {
    const abs = path.resolve(cwd, p);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      throw new UserError(`${p}: no such file or folder`);
    }
    if (st.isFile()) {
      out.add(abs);
      continue;
    }
    walk(abs, out);
  }
  if (out.size === 0) {
    throw new UserError(`no fuzz files (*.fuzz.ts, *.fuzz.js, …) found under ${roots.join(', ')}`);
  }
  return [...out].sort();
}

function walk(dir: string, out: Set<string>): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && FUZZ_FILE_RE.test(e.name)) out.add(p);
  }
}
