/**
 * In-process tests of transform.ts: one counter per branch outcome of every construct, compare
 * rewriting that keeps semantics and evaluation order, directives/hashbang/re-parse, literals,
 * behaviour without the runtime. Loader behaviour (child processes) is in loader.test.ts.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { parseModule, parseScript } from 'meriyah';
import { hitsOf, loadCjs, minus, rt, type Loaded } from './testutil.js';
import { transformSource } from './transform.js';

/** Asserts that calling `f(a)` and `f(b)` each hit an edge the other does not. */
function distinct(l: Loaded, fname: string, a: unknown[], b: unknown[]): void {
  const f = l.exports[fname] as (...x: unknown[]) => unknown;
  const ha = hitsOf(l, () => f(...a));
  const hb = hitsOf(l, () => f(...b));
  assert.ok(minus(ha, hb).length > 0, `${fname}(${a.map(String)}) has no edge of its own (${[...ha]} vs ${[...hb]})`);
  assert.ok(minus(hb, ha).length > 0, `${fname}(${b.map(String)}) has no edge of its own (${[...hb]} vs ${[...ha]})`);
}

describe('branch counters', () => {
  const l = loadCjs(`
    exports.ifElse = (x) => { if (x) { return 1; } else { return 2; } };
    exports.ifNoElse = function (x) { let r = 0; if (x) r = 1; return r; };
    exports.elseIf = (x) => { if (x === 1) return 'a'; else if (x === 2) return 'b'; return 'c'; };
    exports.ternary = (x) => x ? 'y' : 'n';
    exports.and = (x) => x && 'r';
    exports.or = (x) => x || 'r';
    exports.nullish = (x) => x ?? 'r';
    exports.andAssign = (x) => { let v = x; v &&= 5; return v; };
    exports.orAssign = (x) => { let v = x; v ||= 5; return v; };
    exports.nullAssign = (x) => { let v = x; v ??= 5; return v; };
    exports.sw = (x) => { switch (x) { case 1: return 'one'; case 2: case 3: return 'two-three'; default: return 'other'; } };
    exports.swNoDefault = (x) => { let r = 0; switch (x) { case 1: r = 1; } return r; };
    exports.swEmpty = (x) => { switch (x) {} return x; };
    exports.forLoop = (n) => { let s = 0; for (let i = 0; i < n; i++) s += i; return s; };
    exports.forIn = (o) => { let s = 0; for (const k in o) s++; return s; };
    exports.forOf = (a) => { let s = 0; for (const v of a) s += v; return s; };
    exports.whileLoop = (n) => { while (n > 0) n--; return n; };
    exports.labeled = (n) => { outer: for (let i = 0; i < n; i++) { for (;;) { continue outer; } } return n; };
    exports.doWhile = (n) => { do { n--; } while (n > 0); return n; };
    exports.tryCatch = (x) => { try { if (x) throw new Error('x'); return 1; } catch (e) { return 2; } finally { exports.fin = true; } };
    exports.optMember = (o) => o?.a;
    exports.optCall = (f) => f?.();
    exports.optCallArgs = (f) => f?.(1, 2);
    exports.optComputed = (o) => o?.['a'];
    exports.dflt = (a = 7) => a;
    exports.destructDflt = ({ a = 1 } = {}) => a;
  `);
  it('if / else, implicit else, else-if', () => {
    distinct(l, 'ifElse', [true], [false]);
    distinct(l, 'ifNoElse', [true], [false]);
    distinct(l, 'elseIf', [1], [2]);
    distinct(l, 'elseIf', [2], [3]);
  });
  it('ternary arms', () => distinct(l, 'ternary', [1], [0]));
  it('logical right operands', () => {
    for (const [f, taken, skipped] of [['and', 1, 0], ['or', 0, 1], ['nullish', null, 0]] as const) {
      const fn = l.exports[f] as (x: unknown) => unknown;
      assert.ok(minus(hitsOf(l, () => fn(taken)), hitsOf(l, () => fn(skipped))).length > 0, f);
    }
    assert.equal(l.exports.and(0), 0);
    assert.equal(l.exports.or('', ), 'r');
    assert.equal(l.exports.nullish(0), 0);
  });
  it('logical assignments', () => {
    for (const [f, taken, skipped] of [['andAssign', 1, 0], ['orAssign', 0, 1], ['nullAssign', undefined, 0]] as const) {
      const fn = l.exports[f] as (x: unknown) => unknown;
      assert.ok(minus(hitsOf(l, () => fn(taken)), hitsOf(l, () => fn(skipped))).length > 0, f);
    }
    assert.equal(l.exports.nullAssign(0), 0);
    assert.equal(l.exports.nullAssign(null), 5);
  });
  it('switch cases, default and "no case matched"', () => {
    distinct(l, 'sw', [1], [2]);
    distinct(l, 'sw', [3], [9]);
    distinct(l, 'swNoDefault', [1], [2]);
    assert.equal(l.exports.swNoDefault(1), 1);
    assert.equal(l.exports.swNoDefault(2), 0);
    assert.equal(l.exports.swEmpty(4), 4);
  });
  it('loop body taken / loop skipped', () => {
    distinct(l, 'forLoop', [0], [1]);
    distinct(l, 'forIn', [{}], [{ a: 1 }]);
    distinct(l, 'forOf', [[]], [[1]]);
    distinct(l, 'whileLoop', [0], [1]);
    distinct(l, 'labeled', [0], [2]);
    assert.equal(l.exports.forLoop(4), 6);
    assert.equal(l.exports.labeled(3), 3);
    const d = l.exports.doWhile as (n: number) => number;
    assert.ok(hitsOf(l, () => d(1)).size >= 2); // entry + body
    assert.equal(d(3), 0);
  });
  it('catch and finally', () => {
    distinct(l, 'tryCatch', [true], [false]);
    assert.equal(l.exports.tryCatch(true), 2);
  });
  it('optional chaining counts the non-nullish path', () => {
    for (const [f, present] of [['optMember', { a: 1 }], ['optCall', () => 1], ['optCallArgs', (a: number, b: number) => a + b], ['optComputed', { a: 2 }]] as const) {
      const fn = l.exports[f] as (x: unknown) => unknown;
      assert.ok(minus(hitsOf(l, () => fn(present)), hitsOf(l, () => fn(null))).length > 0, f);
    }
    assert.equal(l.exports.optMember({ a: 3 }), 3);
    assert.equal(l.exports.optCallArgs((a: number, b: number) => a + b), 3);
    assert.equal(l.exports.optCall(undefined), undefined);
  });
  it('default values count when used', () => {
    const f = l.exports.dflt as (a?: number) => number;
    assert.ok(minus(hitsOf(l, () => f()), hitsOf(l, () => f(1))).length > 0);
    assert.equal(f(), 7);
    assert.equal(l.exports.destructDflt(), 1);
  });
});

describe('function entries', () => {
  it('declarations, expressions, arrows, methods, accessors, constructors, static blocks', () => {
    const l = loadCjs(`
      function decl() { return 1; }
      const expr = function () { return 2; };
      const arrow = () => 3;
      class K { static s = 0; static { K.s++; } constructor() { this.v = 1; } m() { return 4; } get g() { return 5; } set g(v) { this.v = v; } }
      const obj = { m() { return 6; } };
      exports.all = { decl, expr, arrow, K, obj };
    `);
    const { decl, expr, arrow, K, obj } = l.exports.all;
    const seen = [
      hitsOf(l, () => decl()), hitsOf(l, () => expr()), hitsOf(l, () => arrow()), hitsOf(l, () => new K()),
      hitsOf(l, () => new K().m()), hitsOf(l, () => { const k = new K(); return k.g; }), hitsOf(l, () => obj.m()),
    ];
    for (const s of seen) assert.ok(s.size >= 1);
    assert.equal(K.s, 1); // the static block ran once (and has its own counter, hit at load)
    assert.equal(arrow(), 3);
    const k = new K();
    k.g = 9;
    assert.equal(k.v, 9);
  });
  it('anonymous functions keep their inferred names', () => {
    const l = loadCjs(`
      let f; f ||= () => 1;
      const { g = function () {} } = {};
      function h(p = () => 0) { return p.name; }
      exports.names = [f.name, g.name, h()];
    `);
    assert.deepEqual(l.exports.names, ['f', 'g', 'p']);
  });
});

describe('compare rewrite', () => {
  const ops = ['===', '!==', '==', '!=', '<', '<=', '>', '>='];
  const values: unknown[] = [0, -0, 1, 1.5, NaN, Infinity, '', '0', '1', 'a', 'b', null, undefined, true, false, 10n, [], [1], {}];
  it('returns what the original operator returns for mixed types', () => {
    const src = ops.map((op, i) => `exports.f${i} = (a, b) => a ${op} b;`).join('\n');
    const l = loadCjs(src);
    assert.equal(l.result.compareSites, ops.length);
    ops.forEach((op, i) => {
      const f = l.exports[`f${i}`] as (a: unknown, b: unknown) => boolean;
      const plain = new Function('a', 'b', `return a ${op} b`) as (a: unknown, b: unknown) => boolean;
      for (const a of values) for (const b of values) assert.equal(f(a, b), plain(a, b), `${String(a)} ${op} ${String(b)}`);
    });
  });
  it('evaluates each operand once, left to right, then coerces once', () => {
    const l = loadCjs(`
      exports.run = (log) => {
        const v = (tag, x) => ({ valueOf() { log.push('valueOf ' + tag); return x; } });
        const e = (tag, x) => { log.push(tag); return x; };
        return [e('l1', v('a', 1)) < e('r1', v('b', 2)), e('l2', 3) == e('r2', '3'), (e('l3', 1), e('l4', 2)) === e('r3', 2)];
      };
    `);
    const log: string[] = [];
    assert.deepEqual(l.exports.run(log), [true, true, true]);
    assert.deepEqual(log, ['l1', 'r1', 'valueOf a', 'valueOf b', 'l2', 'r2', 'l3', 'l4', 'r3']);
  });
  it('reports site, operands and operator to the runtime hook', () => {
    const l = loadCjs('exports.f = (x) => x === "magic" || x > 41 || x != null;');
    const calls: unknown[][] = [];
    const saved = rt.cmp;
    rt.cmp = (site, left, right, op) => void calls.push([site, left, right, op]);
    try {
      l.exports.f(5);
    } finally {
      rt.cmp = saved;
    }
    assert.deepEqual(calls.map((c) => c.slice(1)), [[5, 'magic', 0], [5, 41, 6], [5, null, 3]]);
    assert.equal(new Set(calls.map((c) => c[0])).size, 3);
  });
  it('can be switched off', () => {
    const l = loadCjs('exports.f = (a, b) => a < b;', { compares: false });
    assert.equal(l.result.compareSites, 0);
    assert.ok(!l.result.code.includes('__tsfz_q'));
  });
});

describe('semantics of odd syntax', () => {
  it('instrumented and plain code compute the same', async () => {
    const src = `
      const log = [];
      function* gen(n) { for (let i = 0; i < n; i++) { const r = yield i; if (r === 'stop') return 'stopped'; } return n > 2 ? 'big' : 'small'; }
      async function asy(x) { const v = await x; return v < await Promise.resolve(5) ? 'lt' : (v == 5 ? 'eq' : 'gt'); }
      async function forAwait(xs) { let s = 0; for await (const x of xs) s += x > 1 ? x : 0; return s; }
      class Base { m() { return 'base'; } }
      class K extends Base {
        #p = 1; static count = 0;
        static { K.count = K.count === 0 ? 10 : -1; }
        constructor(a = 2, { b = a * 2 } = {}) { super(); this.a = a; this.b = b; this.nt = new.target === K; }
        has(o) { return #p in o; }
        m() { return super.m() + (this.#p >= 1 ? '+' : '-'); }
        get g() { return this.a !== 2 || this.b; } set g(v) { this.a = v ?? 0; }
        static [1 < 2 ? 'yes' : 'no']() { return 'computed'; }
      }
      function dangling(a, b) { if (a) if (b) return 'ab'; else return 'a!b'; return '!a'; }
      function fall(x) { const out = []; switch (x) { case 0: out.push(0); case 1: out.push(1); break; case 2: { out.push(2); } default: out.push('d'); case 3: out.push(3); } return out; }
      function loops() { let s = ''; outer: for (const k in { a: 1, b: 2 }) { inner: for (let i = 0; i < 3; i++) { if (i === 1) continue outer; if (k === 'b') break inner; s += k + i; } } let n = 3; do n--; while (n > 0) while (false); return s + n; }
      function tpl(strs, ...vals) { return strs.raw.join('|') + vals.join(','); }
      function misc(o) {
        'use strict';
        const { x = 1, y: [z = 2] = [] } = o ?? {};
        const f = (a) => ({ b: a?.c?.d ?? 'none', e: a?.['k'], g: a?.m?.(1, ...[2]), h: a?.n?.() });
        let t; try { null.x; } catch { t = 'caught'; } finally { t += '!'; }
        return [x, z, f(o), f(undefined), t, typeof this, 2 ** 3 ** 2, 'a' in { a: 1 }, [] instanceof Array, tpl\`a\${x < 1}b\${z}\`,
          /a<b/.test('a<b'), (1, 2) < 3, ((a, b) => a <= b)(NaN, NaN), void 0 === undefined, null == undefined, '' != 0];
      }
      exports.run = async () => {
        const g = gen(3); const gs = [g.next().value, g.next().value, g.next('stop')];
        const k = new K(); k.g = null;
        return [gs, [...gen(4)], await asy(4), await asy(5), await asy(6), await forAwait([1, 2, 3]), K.count, k.has(k), k.has({}), k.m(), k.g, k.a, k.b, k.nt, K.yes(),
          dangling(1, 1), dangling(1, 0), dangling(0, 1), fall(0), fall(2), fall(3), fall(9), loops(), misc({ x: 0, m: (...a) => a, n: () => 'n', c: { d: 0 }, k: 'K' }), misc(null), log];
      };`;
    const plainMod = { exports: {} as { run: () => Promise<unknown> } };
    new Function('module', 'exports', src)(plainMod, plainMod.exports);
    const l = loadCjs(src);
    const run = l.exports.run as () => Promise<unknown>;
    const seen = hitsOf(l, () => undefined);
    assert.equal(seen.size, 0);
    assert.deepEqual(await run(), await plainMod.exports.run());
    assert.ok(l.result.edges > 60);
    parseScript(l.result.code, { globalReturn: true, next: true });
  });
  it('minified code: inserted calls never merge with a keyword before them', async () => {
    // Minifiers drop the space between a keyword and a literal (`case"a"`, `in"s"`); a compare
    // hook inserted there once produced `case__tsfz_q8(` (found instrumenting dayjs, jquery.min,
    // markdown-it, luxon.min, prettier and 80 other files of popular packages).
    const src = 'function sw(x){switch(x){case"a":return 1;case-1:return 2;case.5:return 3;default:return 0}}' +
      'function fi(o){var k,n=0;for(k in"s"==typeof o&&o)n++;return n}' +
      'function fo(s){var r="";for(const c of"ab"<s?"xy":"z")r+=c;return r}' +
      'function misc(y){if(y)return"x"==y;else return typeof"x"=="string"&&void"x"===void 0&&delete"a"==y}' +
      'function*g(b){yield"a"==b}async function aw(b){return await"a"==b}' +
      'exports.run=async()=>[sw("a"),sw(-1),sw(.5),sw(9),fi({a:1,b:2}),fi("s"),fo("b"),fo("a"),misc("x"),misc(0),[...g("a")],await aw("a")];';
    const plainMod = { exports: {} as { run: () => Promise<unknown> } };
    new Function('module', 'exports', src)(plainMod, plainMod.exports);
    const l = loadCjs(src);
    assert.deepEqual(await (l.exports.run as () => Promise<unknown>)(), await plainMod.exports.run());
    assert.doesNotMatch(l.result.code, /(case|in|of|return|typeof|void|delete|else|yield|await)__tsfz/);
  });
  it('a module that declares its own `globalThis` (core-js does) still finds the runtime', () => {
    const src = `var globalThis = { tag: 'mine' };\nexports.f = function (x) { return x > 1 ? globalThis.tag : [1, 2].includes(x); };`;
    const l = loadCjs(src);
    const f = l.exports.f as (x: number) => unknown;
    const hits = hitsOf(l, () => assert.equal(f(2), 'mine'));
    assert.ok(hits.size > 0, 'counters were hit');
    assert.equal(f(1), true);
    const esm = transformSource(`let globalThis = 1;\nexport const g = globalThis < 2 ? 'a' : 'b';\n`, '/x/g.mjs', { instrument: true, format: 'module' });
    parseModule(esm.code);
    assert.doesNotMatch(esm.code.slice(0, esm.code.indexOf('let globalThis')), /[^.\w]globalThis\./);
  });
  it('code without semicolons: a statement that now starts with `(` does not continue the line before', () => {
    // `let b = 1` then `"abc".slice(1).includes("b")`: the captured receiver made it
    // `(__tsfz_v="abc".slice(1)).includes(…)`, which JavaScript read as a call of `1`.
    const statements = ['q.s.includes("b")', '"abc".slice(1).includes("b")', 'new Map([[1, 2]]).has(1)', 'this.m.has(1)', 'q.m.get(1)?.toString()', 'o?.f?.(1)', 'a && q.s.startsWith("x")', 'q.s.indexOf("b") >= 0'];
    const contexts = [['', ''], ['if (a) ', ''], ['lbl: ', ''], ['{ ', ' }'], ['switch (a) { case 1: ', ' }']];
    for (const prev of ['let b = 1', 'let b = q.n', 'let b = x++']) {
      for (const st of statements) {
        for (const [open, close] of contexts) {
          const src = `var a = 1, x = 0, o = { f: (v) => v }, q = { s: "abc", n: 5, m: new Map([[1, 2]]) }\n${prev}\n${open}${st}${close}\nexports.r = [b, x]`;
          const run = (code: string): unknown => {
            const exports: Record<string, unknown> = {};
            try {
              new Function('exports', code).call({ m: new Map() }, exports);
            } catch (e) {
              exports.error = (e as Error).message;
            }
            return exports;
          };
          const code = transformSource(src, '/x/asi.js', { instrument: true, format: 'commonjs' }).code;
          assert.deepEqual(run(code), run(src), src);
        }
      }
    }
  });
});

describe('output', () => {
  it('keeps directives first, handles hashbangs and re-parses', () => {
    const src = "'use strict'\nexports.f = function () { 'use strict'\n return this; };\nexports.g = (a) => a < 1 ? 1 : 2;\n";
    const l = loadCjs(src);
    assert.ok(l.result.code.startsWith("'use strict';const __tsfz_r"));
    const f = l.exports.f as () => unknown;
    assert.equal(f(), undefined); // still strict
    parseScript(l.result.code, { globalReturn: true });
    const h = transformSource('#!/usr/bin/env node\r\nexports.g = (a) => a ? 1 : 2;\n', '/x/h.js', { instrument: true, format: 'commonjs' });
    assert.ok(h.code.startsWith('#!/usr/bin/env node\r\nconst __tsfz_r'));
    parseScript(h.code, { globalReturn: true });
    const m = transformSource('export const a = 1 < 2;\nexport default function f(x = 1) { return x ? 1 : 0 }\n', '/x/m.mjs', { instrument: true, format: 'module' });
    parseModule(m.code);
  });
  it('instrumented real libraries still work (meriyah parses itself)', () => {
    const req = createRequire(import.meta.url);
    const file = req.resolve('meriyah').replace(/\.mjs$/, '.cjs');
    const src = req('node:fs').readFileSync(file, 'utf8') as string;
    const l = loadCjs(src);
    assert.ok(l.result.edges > 1000);
    const ast = l.exports.parseScript('if (a < b) { c?.d ?? e } else for (const x of y) switch (x) { case 1: break }', { ranges: true });
    assert.deepEqual(ast, parseScript('if (a < b) { c?.d ?? e } else for (const x of y) switch (x) { case 1: break }', { ranges: true }));
  });
  it('instrumented real libraries still work (TypeScript compiles the same, 9 MB instrumented)', () => {
    const req = createRequire(import.meta.url);
    const file = req.resolve('typescript/lib/typescript.js');
    const src = req('node:fs').readFileSync(file, 'utf8') as string;
    const l = loadCjs(src);
    assert.ok(l.result.edges > 100_000);
    type Ts = typeof import('typescript');
    const ts = l.exports as unknown as Ts;
    const real = req('typescript') as Ts;
    const input = 'enum E { A, B = "b" }\nnamespace N { export const x: number = 1 }\nclass C<T> { constructor(private a: T) {} get v(): T { return this.a } }\nexport default async (x?: number) => x ?? E.A;\n';
    for (const target of [real.ScriptTarget.ES5, real.ScriptTarget.ES2022]) {
      const options = { compilerOptions: { target, module: real.ModuleKind.CommonJS, sourceMap: true }, reportDiagnostics: true };
      let a: ReturnType<Ts['transpileModule']> | undefined;
      const hits = hitsOf(l, () => (a = ts.transpileModule(input, options)));
      assert.ok(hits.size > 2000, `edges hit: ${hits.size}`);
      if (!a) throw new Error('no output');
      assert.deepEqual({ out: a.outputText, map: a.sourceMapText, diags: a.diagnostics?.length }, (({ outputText, sourceMapText, diagnostics }) => ({ out: outputText, map: sourceMapText, diags: diagnostics?.length }))(real.transpileModule(input, options)));
    }
  });
  it('runs without the coverage runtime', () => {
    const r = transformSource('exports.f = (n) => { let s = 0; for (let i = 0; i < n; i++) { if (i % 2) s += i; } return s; };', '/x/no-rt.js', { instrument: true, format: 'commonjs' });
    const module = { exports: {} as Record<string, (n: number) => number> };
    new Function('globalThis', 'module', 'exports', r.code)({ Int32Array }, module, module.exports); // a global object without __tsfuzzCov
    assert.equal(module.exports.f(1000), 250000);
  });
  it('collects string and numeric literals', () => {
    const r = transformSource('const a = "hello", b = 0x1F, c = `tmpl${a}ate`, d = "x", e = 12n;', '/x/lit.js', { instrument: true });
    for (const s of ['hello', '0x1F', '31', 'tmpl', 'ate', '12']) assert.ok(r.literals.includes(s), s);
    assert.ok(!r.literals.includes('x'));
    const seen = new Map<string, string[]>();
    (rt as unknown as { addLiterals?: (k: string, v: string[]) => void }).addLiterals = (k, v) => void seen.set(k, v);
    try {
      const l = loadCjs('exports.f = (s) => s === "line\u2028sep" ? 1 : 2;');
      assert.deepEqual(seen.get(l.file), ['line\u2028sep', '1', '2']);
      assert.equal(l.result.code.split('\u2028').length, 2); // only the user's own
    } finally {
      delete (rt as unknown as { addLiterals?: unknown }).addLiterals;
    }
  });
  it('detects the format when none is given', () => {
    assert.equal(transformSource('import x from "y"; x < 1;', '/x/a.js', { instrument: true }).format, 'module');
    assert.equal(transformSource('const x = require("y"); return;', '/x/a.js', { instrument: true }).format, 'commonjs');
  });
  it('reports syntax errors with file, line and column', () => {
    assert.throws(() => transformSource('\nlet x = ;', '/x/bad.js', { instrument: true, format: 'commonjs' }), /^SyntaxError: \/x\/bad\.js:2:9: /);
    assert.throws(() => transformSource('export let x = ;', '/x/bad.mjs', { instrument: true, format: 'module' }), /\/x\/bad\.mjs:1:16/);
  });
  it('names the file in TypeScript syntax errors', () => {
    assert.throws(() => transformSource('let x: number = ;', '/x/bad.ts', { instrument: false }), /\/x\/bad\.ts:1:17/);
  });
  it('falls back to transform mode for enums and keeps a map', () => {
    const r = transformSource('enum E { A, B }\nexport const b = E.B < 2;\n', '/x/e.ts', { instrument: true, format: 'module' });
    assert.match(r.code, /sourceMappingURL=data:application\/json/);
    const plain = transformSource('enum E { A, B }\n', '/x/e2.ts', { instrument: false, format: 'module' });
    assert.match(plain.code, /sourceMappingURL=data:application\/json/);
  });
});
