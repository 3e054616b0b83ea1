/**
 * Loader tests in child processes (hooks must be registered before anything loads): every module
 * kind (.ts/.mts/.cts, CommonJS .ts, ESM/CJS .js by package "type"), `./x.js` → x.ts, CJS requiring
 * TS, enums, exact stack positions, syntax errors, node_modules filtering, ESM cycles, the on-disk
 * cache, and a worker thread. Runs with this Node and every binary in TSFUZZ_EXTRA_NODES.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import { BOOT, fixtureDir, nodeBinaries, runChild, type ChildResult } from './testutil.js';

const FILES: Record<string, string> = {
  'esm/package.json': '{"type":"module"}',
  'esm/main.ts': `
import { twice } from './util.js';
import { Color, paint } from './colors.js';
import { half } from './m.mjs';
import cts from '../cjs/c.cts';
import legacy from '../cjs/legacy.ts';
import { x } from '../js-esm/x.js';
import y from '../js-cjs/y.js';
import dep from 'dep';
import { esmdep } from 'esmdep';
import { noExt } from './noext';
import { inDir } from './dir';
export function main(): unknown {
  return [twice(2), paint(Color.Green), half(8), cts.v, legacy.h(3), x(1), y.y(2), dep.dep(1), esmdep(2), noExt, inDir];
}
`,
  'esm/util.ts': 'export function twice(n: number): number { return n > 100 ? n : n * 2; }\n',
  'esm/colors.ts': 'export enum Color { Red, Green }\nexport function paint(c: Color): string { return c === Color.Green ? "green" : "red"; }\n',
  'esm/noext.ts': 'export const noExt: string = "noext";\n',
  'esm/dir/index.ts': 'export const inDir: string = "dir";\n',
  'esm/m.mts': 'export const half = (n: number): number => n / 2;\n',
  'cjs/c.cts': "const l = require('./legacy.ts');\nconst u = require('./util2.js');\nexports.v = l.h(1) > 0 ? l.h(1) + u.k : 0;\n",
  'cjs/legacy.ts': "const path: typeof import('node:path') = require('node:path');\nfunction h(n: number): number { return n === 3 ? 33 : path.sep.length; }\nmodule.exports = { h };\n",
  'cjs/util2.ts': 'exports.k = (100 as number) || 0;\n',
  'js-esm/package.json': '{"type":"module"}',
  'js-esm/x.js': 'export function x(a) { return a ? "x" : "no"; }\n',
  'js-cjs/package.json': '{"type":"commonjs"}',
  'js-cjs/y.js': 'exports.y = (a) => a * 10;\n',
  'node_modules/dep/package.json': '{"name":"dep","main":"index.js"}',
  'node_modules/dep/index.js': 'exports.dep = (a) => a < 0 ? -a : a + 1;\n',
  'node_modules/esmdep/package.json': '{"name":"esmdep","type":"module","exports":"./index.js"}',
  'node_modules/esmdep/index.js': 'export const esmdep = (a) => (a > 0 ? a * 3 : 0);\n',
  'throw/package.json': '{"type":"module"}',
  'throw/strip.ts': 'type T = { a: number };\nexport function main(): void {\n  const t: T = { a: 1 };\n  if (t.a > 0) throw new Error("strip-path");\n}\n',
  'throw/enum.ts': 'enum E { A = 1 }\nexport function main(): void {\n  const v: number = E.A;\n    if (v) { throw new Error("enum-path"); }\n}\n',
  'throw/cjs.cts': 'function main(): void {\n  const n: number = 1;\n   throw new RangeError("cts-path " + n);\n}\nmodule.exports = { main };\n',
  'throw/js.js': 'export function main() {\n  return [1].map((v) => v > 0 ? boom() : 0);\n}\nfunction boom() {\n      throw new Error("js-path");\n}\n',
  'throw/bad.ts': 'export const a: number = ;\n',
  'throw/bad.js': 'export const a = ;\n',
  'cycle/package.json': '{"type":"module"}',
  'cycle/a.js': "import { fromB } from './b.js';\nexport function hoisted(x = 1) { return x > 0 ? 'yes' : 'no'; }\nexport function main() { return fromB; }\n",
  'cycle/b.js': "import { hoisted } from './a.js';\nexport const fromB = hoisted();\n",
};

const EXPECTED = [4, 'green', 4, 101, 33, 'x', 20, 2, 6, 'noext', 'dir'];

function ok(r: ChildResult): NonNullable<ChildResult['result']> {
  assert.ok(r.result, `no result; status ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.equal(r.result.error, null, `child failed: ${r.result.error?.stack}\nstderr: ${r.stderr}`);
  return r.result;
}

for (const node of nodeBinaries()) {
  const tag = node === process.execPath ? '' : ` [${node}]`;
  describe(`loader${tag}`, () => {
    const dir = fixtureDir(FILES);
    const p = (rel: string): string => path.join(dir, rel);

    it('loads every module kind and instruments only user code', () => {
      const res = ok(runChild(dir, './esm/main.ts', { instrument: true }, node));
      assert.deepEqual(res.value, EXPECTED);
      for (const f of ['esm/main.ts', 'esm/util.ts', 'esm/colors.ts', 'esm/m.mts', 'cjs/c.cts', 'cjs/legacy.ts', 'cjs/util2.ts', 'js-esm/x.js', 'js-cjs/y.js']) {
        assert.ok(res.modules[p(f)] > 0, `${f} not instrumented: ${JSON.stringify(res.modules)}`);
      }
      assert.equal(Object.keys(res.modules).filter((k) => k.includes('node_modules')).length, 0);
    });

    it('instruments node_modules files matched by include, skips excluded files', () => {
      const res = ok(runChild(dir, './esm/main.ts', { instrument: true, include: ['**/node_modules/dep/**', 'node_modules/esmdep/*.js'], exclude: ['**/js-cjs/**'] }, node));
      assert.deepEqual(res.value, EXPECTED);
      assert.ok(res.modules[p('node_modules/dep/index.js')] > 0);
      assert.ok(res.modules[p('node_modules/esmdep/index.js')] > 0);
      assert.equal(res.modules[p('js-cjs/y.js')], undefined);
    });

    it('works with both hook flavours where Node has them', () => {
      const async_ = ok(runChild(dir, './esm/main.ts', { instrument: true, hooks: 'async' }, node));
      assert.equal(async_.kind, 'async');
      assert.deepEqual(async_.value, EXPECTED);
      const sync = runChild(dir, './esm/main.ts', { instrument: true, hooks: 'sync' }, node);
      if (sync.result?.kind === undefined) {
        assert.match(sync.stderr, /registerHooks is not available/); // Node < 22.15
      } else {
        assert.equal(ok(sync).kind, 'sync');
        assert.deepEqual(sync.result.value, EXPECTED);
        assert.deepEqual(sync.result.modules, async_.modules);
      }
    });

    it('strips types without instrumenting when instrument is false', () => {
      const res = ok(runChild(dir, './esm/main.ts', { instrument: false }, node));
      assert.deepEqual(res.value, EXPECTED);
      assert.equal(res.edges, 0);
    });

    const frames: [string, string, string][] = [
      ['strip.ts', 'strip-path', 'strip.ts:4:22'],
      ['enum.ts', 'enum-path', 'enum.ts:4:20'],
      ['cjs.cts', 'cts-path 1', 'cjs.cts:3:10'],
      ['js.js', 'js-path', 'js.js:5:13'],
    ];
    for (const [file, message, frame] of frames) {
      it(`maps stack frames of ${file} to the original line and column`, () => {
        const r = runChild(dir, `./throw/${file}`, { instrument: true }, node);
        assert.ok(r.result?.error, r.stderr);
        assert.equal(r.result.error.message, message);
        const first = r.result.error.stack.split('\n')[1] ?? '';
        assert.ok(first.includes(`${p('throw')}/${frame})`) || first.endsWith(`${p('throw')}/${frame}`), `${file}: ${first}`);
      });
    }

    it('reports TypeScript syntax errors with the file name', () => {
      const r = runChild(dir, './throw/bad.ts', { instrument: true }, node);
      assert.ok(r.result?.error);
      assert.ok(r.result.error.message.includes(p('throw/bad.ts') + ':1:'), r.result.error.message);
    });

    it('reports JavaScript syntax errors with the file name', () => {
      const r = runChild(dir, './throw/bad.js', { instrument: true }, node);
      assert.ok(r.result?.error);
      assert.ok(r.result.error.stack.includes('bad.js'), r.result.error.stack);
    });

    it('lets hoisted functions run before their module body (import cycles)', () => {
      const res = ok(runChild(dir, './cycle/a.js', { instrument: true }, node));
      assert.equal(res.value, 'yes');
      assert.ok(res.modules[p('cycle/a.js')] > 0);
    });

    it('caches transforms on disk and reuses them', () => {
      const cacheDir = p('cache');
      fs.rmSync(cacheDir, { recursive: true, force: true });
      ok(runChild(dir, './esm/main.ts', { instrument: true, cacheDir }, node));
      const list = (): Map<string, number> => {
        const m = new Map<string, number>();
        for (const sub of fs.readdirSync(cacheDir)) {
          for (const f of fs.readdirSync(path.join(cacheDir, sub))) m.set(f, fs.statSync(path.join(cacheDir, sub, f)).mtimeMs);
        }
        return m;
      };
      const first = list();
      assert.ok(first.size >= 11, `only ${first.size} entries`);
      const again = ok(runChild(dir, './esm/main.ts', { instrument: true, cacheDir }, node));
      assert.deepEqual(again.value, EXPECTED);
      assert.deepEqual(list(), first); // nothing rewritten: every file came from the cache
    });

    it('instruments a large CommonJS file on the helper thread, then from the cache', () => {
      const big = Array.from({ length: 30_000 }, (_, i) => `exports.f${i} = (x) => x > ${i} ? ${i} : -1;`).join('\n');
      fs.writeFileSync(p('cjs/big.js'), big + '\n');
      fs.writeFileSync(p('cjs/big-entry.cjs'), "const b = require('./big.js');\nexports.main = () => b.f7(10) + b.f29999(1);\n");
      const res = ok(runChild(dir, './cjs/big-entry.cjs', { instrument: true, cacheDir: p('bigcache') }, node));
      assert.equal(res.value, 6);
      assert.ok(res.modules[p('cjs/big.js')] >= 90_000);
      assert.equal(res.offloaded, 2); // both files missed the cache: each was transformed on the helper
      const again = ok(runChild(dir, './cjs/big-entry.cjs', { instrument: true, cacheDir: p('bigcache') }, node));
      assert.equal(again.modules[p('cjs/big.js')], res.modules[p('cjs/big.js')]);
      assert.equal(again.offloaded, 0); // cache hits: read in-thread, the helper never starts
    });

    it('code beyond Latin-1 comes back from the helper thread and the cache intact', () => {
      // The helper sends instrumented code back as its bytes: one per character, or two (UTF-16).
      fs.writeFileSync(p('cjs/wide.js'), 'exports.w = (x) => (x > 1 ? "世€\u2028é" : "\u00ff") + "😀";\nexports.l = (x) => (x > 1 ? "é" : "ÿ");\n');
      fs.writeFileSync(p('cjs/wide-entry.cjs'), "const w = require('./wide.js');\nexports.main = () => [w.w(2), w.w(0), w.l(2), w.l(0)];\n");
      const expected = ['世€\u2028é😀', '\u00ff😀', 'é', 'ÿ'];
      const res = ok(runChild(dir, './cjs/wide-entry.cjs', { instrument: true, cacheDir: p('widecache') }, node));
      assert.deepEqual(res.value, expected);
      assert.equal(res.offloaded, 2);
      const again = ok(runChild(dir, './cjs/wide-entry.cjs', { instrument: true, cacheDir: p('widecache') }, node));
      assert.deepEqual(again.value, expected);
      assert.equal(again.offloaded, 0);
    });

    it('works when registered inside a worker thread', () => {
      const boot = p('wboot.mjs');
      fs.writeFileSync(boot, `
        import { Worker } from 'node:worker_threads';
        const w = new Worker(new URL('./boot.mjs', import.meta.url), { argv: ['./esm/main.ts'], stdout: true });
        let out = '';
        w.stdout.on('data', (d) => (out += d));
        w.on('exit', () => process.stdout.write(out));
      `);
      fs.writeFileSync(p('boot.mjs'), BOOT);
      const w = runChildScript(node, boot, dir);
      assert.ok(w.includes('RESULT '), w);
      const res = JSON.parse(w.slice(w.indexOf('RESULT ') + 7).split('\n')[0]) as { value: unknown; modules: Record<string, number>; error: unknown };
      assert.equal(res.error, null);
      assert.deepEqual(res.value, EXPECTED);
      assert.ok(res.modules[p('esm/util.ts')] > 0);
    });
  });
}

function runChildScript(node: string, script: string, cwd: string): string {
  const r = spawnSync(node, [script], { cwd, encoding: 'utf8', env: { ...process.env, TSFUZZ_TEST_OPTS: '{"instrument":true}' }, timeout: 60_000 });
  return r.stdout + r.stderr;
}
