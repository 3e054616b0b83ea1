/**
 * Tests of filter.ts: glob syntax, the default "user code" rule with include/exclude, and Node's
 * format rules (extension, nearest package.json "type", node_modules boundary).
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { declaredFormat, FileFilter, globToRegExp } from './filter.js';
import { fixtureDir } from './testutil.js';

describe('globs', () => {
  const m = (glob: string, p: string): boolean => globToRegExp(glob).test(p);
  it('supports **, *, ?, {a,b} and [..]', () => {
    assert.ok(m('**/node_modules/my-parser/**', '/a/node_modules/my-parser/lib/x.js'));
    assert.ok(m('node_modules/my-parser/**', '/a/b/node_modules/my-parser/x.js')); // relative = any depth
    assert.ok(!m('**/node_modules/my-parser/**', '/a/node_modules/my-parser2/x.js'));
    assert.ok(m('/src/*.ts', '/src/a.ts'));
    assert.ok(!m('/src/*.ts', '/src/d/a.ts'));
    assert.ok(m('/src/**/*.ts', '/src/a.ts'));
    assert.ok(m('/src/**/*.ts', '/src/d/e/a.ts'));
    assert.ok(m('**/*.{js,mjs}', '/x/y.mjs'));
    assert.ok(!m('**/*.{js,mjs}', '/x/y.cjs'));
    assert.ok(m('**/v?.js', '/x/v1.js'));
    assert.ok(m('**/[ab].js', '/x/b.js'));
    assert.ok(!m('**/[!ab].js', '/x/b.js'));
    assert.ok(m('**/a.b+c.js', '/x/a.b+c.js'));
    // pnpm's layout: dot folders match like any other.
    assert.ok(m('**/node_modules/typescript/**', '/p/node_modules/.pnpm/typescript@5.9.3/node_modules/typescript/lib/typescript.js'));
  });
  it('leaves no copy of its glob library in the CommonJS cache (user code may load its own)', () => {
    m('**/x', '/x');
    const require = createRequire(import.meta.url);
    assert.deepEqual(Object.keys(require.cache).filter((k) => k.includes(`${path.sep}picomatch${path.sep}`)), []);
  });
});

describe('file filter', () => {
  const own = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  it('instruments user code only, adjusted by include/exclude', () => {
    const f = new FileFilter({ instrument: true, include: ['**/node_modules/dep/**'], exclude: ['**/gen/**'] });
    assert.ok(f.instrument('/p/src/a.ts'));
    assert.ok(!f.instrument('/p/node_modules/other/a.js'));
    assert.ok(f.instrument('/p/node_modules/dep/a.js'));
    assert.ok(!f.instrument('/p/src/gen/a.js'));
    assert.ok(!f.instrument(path.join(own, 'dist', 'instrument', 'filter.js')));
    assert.ok(!f.instrument(path.join(own, 'src', 'engine', 'x.ts')));
    assert.ok(f.instrument(path.join(own, 'examples', 'x.ts')));
    assert.ok(!new FileFilter({ instrument: false }).instrument('/p/src/a.ts'));
  });
  it('derives the declared format like Node', () => {
    const dir = fixtureDir({
      'esm/package.json': '{"type":"module"}',
      'esm/sub/x.ts': '',
      'cjs/package.json': '{"type":"commonjs"}',
      'none/package.json': '{}',
      'esm/node_modules/pkg/a.js': '',
    });
    assert.equal(declaredFormat(path.join(dir, 'esm/sub/x.ts')), 'module');
    assert.equal(declaredFormat(path.join(dir, 'esm/x.cts')), 'commonjs');
    assert.equal(declaredFormat(path.join(dir, 'cjs/x.js')), 'commonjs');
    assert.equal(declaredFormat(path.join(dir, 'cjs/x.mts')), 'module');
    assert.equal(declaredFormat(path.join(dir, 'none/x.js')), undefined);
    assert.equal(declaredFormat(path.join(dir, 'esm/node_modules/pkg/a.js')), undefined);
  });
});
