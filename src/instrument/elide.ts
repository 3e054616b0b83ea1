/**
 * TypeScript's import elision, for type-stripped code (strip.ts). Type stripping keeps
 * `import { Point } from './types.js'` when `Point` is only used as a type, and ES modules then
 * fail to link ("does not provide an export named 'Point'"); tsc, esbuild, tsx and Vitest drop
 * such imports. Here, on the stripped JavaScript: an imported name that no identifier outside the
 * imports mentions any more was only used as a type, so its specifier is removed (the whole
 * declaration when none is left, as tsc does: the module is then not loaded); and a local
 * `export { T }` or `export default T` of a name that nothing declares (an interface or a
 * `import type` that stripping removed) is removed too.
 * Rule: only spaces replace removed text (line breaks stay), so every position is unchanged and
 * no source map is needed; code that does not parse as a module is returned as it was.
 */
import { parseModule, type ESTree } from 'meriyah';

/* eslint-disable @typescript-eslint/no-explicit-any -- ESTree nodes are walked generically. */
type Node = any;

interface Range {
  start: number;
  end: number;
}

export function elideTypeOnlyImports(code: string): string {
  if (!/\bimport\b|\bexport\b/.test(code)) return code;
  let program: ESTree.Program;
  try {
    program = parseModule(code, { ranges: true, next: true });
  } catch {
    return code; // not a module (or not JavaScript we can read): leave it to Node
  }
  // Names mentioned outside import declarations and local exports, and in those exports.
  const refs = new Set<string>();
  const exported = new Set<string>();
  const walk = (node: Node): void => {
    if (node.type === 'Identifier') {
      refs.add(node.name);
      return;
    }
    if (node.type === 'ImportDeclaration') return;
    if (node.type === 'ExportNamedDeclaration' && !node.declaration && !node.source) {
      for (const s of node.specifiers) if (s.local.type === 'Identifier') exported.add(s.local.name);
      return;
    }
    if (node.type === 'ExportDefaultDeclaration' && node.declaration.type === 'Identifier') {
      exported.add(node.declaration.name);
      return;
    }
    for (const key in node) {
      const v = node[key];
      if (v === null || typeof v !== 'object') continue;
      if (Array.isArray(v)) {
        for (const el of v) if (el !== null && typeof el === 'object' && typeof el.type === 'string') walk(el);
      } else if (typeof v.type === 'string') {
        walk(v);
      }
    }
  };
  walk(program);

  const blanks: Range[] = [];
  const bound = new Set<string>();
  for (const stmt of program.body as Node[]) {
    if (stmt.type !== 'ImportDeclaration' || stmt.specifiers.length === 0) continue;
    const used = (s: Node): boolean => refs.has(s.local.name) || exported.has(s.local.name);
    const keep = stmt.specifiers.filter(used);
    for (const s of keep) bound.add(s.local.name);
    if (keep.length === stmt.specifiers.length) continue;
    if (keep.length === 0) {
      blanks.push(stmt);
      continue;
    }
    removeFromClause(code, stmt.specifiers, used, blanks);
  }
  // A declaration mentions its name, so a name mentioned nowhere else is not declared.
  const declared = (name: string): boolean => refs.has(name) || bound.has(name);
  for (const stmt of program.body as Node[]) {
    if (stmt.type === 'ExportNamedDeclaration' && !stmt.declaration && !stmt.source) {
      const keep = (s: Node): boolean => s.local.type !== 'Identifier' || declared(s.local.name);
      if (!stmt.specifiers.every(keep)) removeFromList(code, stmt.specifiers, keep, blanks, true);
    } else if (stmt.type === 'ExportDefaultDeclaration' && stmt.declaration.type === 'Identifier' && !declared(stmt.declaration.name)) {
      blanks.push(stmt);
    }
  }
  return blanks.length === 0 ? code : blank(code, blanks);
}

/**
 * An import clause: `D`, `* as N`, `{ a, b as c }` in the combinations ES allows. Removes the
 * specifiers `keep` rejects (not all of them) with the commas that separated them.
 */
function removeFromClause(code: string, specs: Node[], keep: (s: Node) => boolean, blanks: Range[]): void {
  const def = specs[0].type === 'ImportDefaultSpecifier' ? specs[0] : undefined;
  const rest = def ? specs.slice(1) : specs;
  if (def && !keep(def)) {
    // `D, …` → `…`: D and the comma after it.
    blanks.push({ start: def.start, end: commaAfter(code, def.end) + 1 });
  }
  if (rest.length === 0) return;
  if (rest[0].type === 'ImportNamespaceSpecifier') {
    // `D, * as N` with N unused (D kept): the comma and `* as N`.
    if (!keep(rest[0])) blanks.push({ start: commaAfter(code, def.end), end: rest[0].end });
    return;
  }
  // `{ … }` may become `{ }`, valid after a kept default import.
  removeFromList(code, rest, keep, blanks, true);
}

/**
 * Removes the entries `keep` rejects from a comma-separated list in braces (`specs` in order),
 * keeping one comma between kept neighbours; `trailing`: a comma after the last entry is removed
 * too when no entry is left (`{ , }` is not valid).
 */
function removeFromList(code: string, specs: Node[], keep: (s: Node) => boolean, blanks: Range[], trailing: boolean): void {
  const kept = specs.map(keep);
  const lastKept = kept.lastIndexOf(true);
  for (let i = 0; i < specs.length; i++) {
    const s = specs[i];
    if (!kept[i]) blanks.push(s);
    // The comma after entry i separates it from the next kept one only if i is kept.
    if (i < specs.length - 1) {
      if (!(kept[i] && i < lastKept)) {
        const c = commaAfter(code, s.end);
        blanks.push({ start: c, end: c + 1 });
      }
    } else if (trailing && lastKept < 0) {
      const c = commaAfter(code, s.end, true);
      if (c >= 0) blanks.push({ start: c, end: c + 1 });
    }
  }
}

/**
 * The offset of the first comma at or after `from`, skipping white space and comments (all that
 * may stand between a specifier and its comma). `optional`: -1 when something else comes first.
 */
function commaAfter(code: string, from: number, optional = false): number {
  let i = from;
  while (i < code.length) {
    const c = code.charCodeAt(i);
    if (c === 44) return i; // ,
    if (c === 47 && code.charCodeAt(i + 1) === 42) {
      const end = code.indexOf('*/', i + 2);
      i = end < 0 ? code.length : end + 2;
    } else if (c === 47 && code.charCodeAt(i + 1) === 47) {
      const end = code.indexOf('\n', i + 2);
      i = end < 0 ? code.length : end + 1;
    } else if (c <= 32 || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029) {
      i++;
    } else {
      break;
    }
  }
  if (optional) return -1;
  throw new Error('tsfuzz: internal: no comma after an import or export specifier');
}

/** `code` with every character of the ranges but line breaks replaced by a space. */
function blank(code: string, ranges: Range[]): string {
  ranges.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const r of ranges) {
    const start = Math.max(r.start, at);
    if (r.end <= start) continue;
    out += code.slice(at, start);
    for (let i = start; i < r.end; i++) {
      const c = code.charCodeAt(i);
      out += c === 10 || c === 13 || c === 0x2028 || c === 0x2029 ? code[i] : ' ';
    }
    at = r.end;
  }
  return out + code.slice(at);
}
