/**
 * Tests of elide.ts: imports used only as types (no identifier mentions them once types are
 * stripped) leave, in every clause shape, with the commas between them; local exports of names
 * nothing declares leave; everything else, and every position, stays.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseModule } from 'meriyah';
import { elideTypeOnlyImports } from './elide.js';

/** Elides `code` and checks what every result must be: as long, same line breaks, a valid module. */
function elide(code: string): string {
  const out = elideTypeOnlyImports(code);
  assert.equal(out.length, code.length);
  assert.deepEqual([...out.matchAll(/\n/g)].map((m) => m.index), [...code.matchAll(/\n/g)].map((m) => m.index));
  parseModule(out, { next: true });
  return out;
}

/** The tokens of `code`, for comparing without the blanks. */
const squash = (code: string): string => code.replace(/\s+/g, ' ').replace(/ ,/g, ',').trim();

describe('type-only import elision', () => {
  it('drops a declaration whose names are all unused, keeping side-effect imports', () => {
    const out = elide(`import { A, B } from './t.js';\nimport D from './d.js';\nimport * as N from './n.js';\nimport './side.js';\nexport const x = 1;\n`);
    assert.equal(squash(out), `import './side.js'; export const x = 1;`);
  });

  it('drops unused names first, in the middle and last, keeping one comma between kept ones', () => {
    const cases: [string, string][] = [
      [`import { A, b } from 'm';`, `import { b } from 'm';`],
      [`import { a, B, c } from 'm';`, `import { a, c } from 'm';`],
      [`import { a, B } from 'm';`, `import { a } from 'm';`],
      [`import { A, B, c, D, e, } from 'm';`, `import { c, e, } from 'm';`],
      [`import {\n  a,\n  B,\n  C,\n} from 'm';`, `import { a, } from 'm';`],
      [`import { a as x, B as Y, "s-t" as z } from 'm';`, `import { a as x, "s-t" as z } from 'm';`],
      [`import { A /* , */, b // c, d\n } from 'm';`, `import { /* , */ b // c, d\n } from 'm';`], // comments stay
    ];
    for (const [code, want] of cases) {
      const used = 'x(a, b, c, e, z);';
      assert.equal(squash(elide(`${code}\n${used}`)), squash(`${want}\n${used}`), code);
    }
  });

  it('handles default and namespace imports beside named ones', () => {
    const cases: [string, string, string][] = [
      [`import D, { a } from 'm';`, 'a()', `import { a } from 'm';`],
      [`import D, { A } from 'm';`, 'D()', `import D, { } from 'm';`],
      [`import D, * as N from 'm';`, 'N.x', `import * as N from 'm';`],
      [`import D, * as N from 'm';`, 'D()', `import D from 'm';`],
    ];
    for (const [code, use, want] of cases) assert.equal(squash(elide(`${code}\n${use}`)), squash(`${want}\n${use}`), code);
  });

  it('keeps names used as values: calls, shorthand properties, re-exports, nested functions', () => {
    const code = `import { a, b, c, d } from 'm';\nexport { c };\nconst o = { b };\nfunction f() { return () => a(d); }\n`;
    assert.equal(elide(code), code);
  });

  it('drops local exports of names nothing declares (interfaces, stripped `import type`)', () => {
    const out = elide(`                        \nconst v = 1;\nexport { T, v, U as W };\nexport default T;\nexport { };\n`);
    assert.equal(squash(out), `const v = 1; export { v }; export { };`);
    const def = `const T = 1;\nexport default T;\n`;
    assert.equal(elide(def), def);
  });

  it('keeps every remaining token where it was', () => {
    const code = `import {\n  Point, parse,\n  Kind } from './p.js';\nexport function f(b) { return parse(b); }\n`;
    const out = elide(code);
    for (const token of ['parse', 'from', 'export function f', 'return parse(b)']) assert.equal(out.indexOf(token), code.indexOf(token), token);
    assert.doesNotMatch(out, /Point|Kind/);
  });

  it('leaves code that is not a module, or has no imports or exports, untouched', () => {
    for (const code of ['with (o) { x }', 'const a = 1;', 'return 1;']) assert.equal(elideTypeOnlyImports(code), code);
  });
});
