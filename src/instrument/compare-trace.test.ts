/**
 * Tests of compare tracing beyond the binary operators (issue 5, instrumentation half): switch
 * cases, traced method calls (string, bytes, Map/Set), `Buffer.compare`, regex dictionary tokens.
 * Each rewrite is checked for unchanged semantics against the same source run uninstrumented
 * (evaluation order, `this`, user methods, Proxies, String objects, TypeErrors) and for what it
 * reports to a recording `cmp`; a child process shows that compare-site ids of two modules never
 * collide. In-process tests use the real runtime from testutil.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseModule, parseScript } from 'meriyah';
import { CMP } from '../coverage/compare-ops.js';
import { regexTokens } from './regex.js';
import { fixtureDir, loadCjs, rt, runChild, type Loaded } from './testutil.js';
import { transformSource } from './transform.js';

type Call = [site: number, left: unknown, right: unknown, op: number];

/** Runs `f` with `rt.cmp` recording; sites are made local to `l` (0..compareSites-1). */
function record<T>(l: Loaded, f: () => T): { value: T; calls: Call[] } {
  const base = rt.compareModules.find((m) => m.key === l.file)?.base ?? 0;
  const calls: Call[] = [];
  const saved = rt.cmp;
  rt.cmp = (site, left, right, op) => void calls.push([site - base, left, right, op]);
  try {
    return { value: f(), calls };
  } finally {
    rt.cmp = saved;
  }
}

/** The same CommonJS source run plainly (no transform at all). */
function plain(src: string): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const module = { exports: {} as Record<string, unknown> };
  new Function('module', 'exports', 'require', 'Buffer', src)(module, module.exports, undefined, Buffer);
  return module.exports;
}

/** Loads `src` both ways; returns [instrumented, plain] exports. */
function both(src: string): [Loaded, Record<string, any>] { // eslint-disable-line @typescript-eslint/no-explicit-any
  const l = loadCjs(src);
  parseScript(l.result.code, { globalReturn: true, next: true, webcompat: true });
  return [l, plain(src)];
}

/** Outcome of a call as comparable data: its value or its error's class and message. */
function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).constructor.name, message: (e as Error).message };
  }
}

const ops = (calls: Call[]): unknown[][] => calls.map((c) => c.slice(1));

describe('switch case tracing', () => {
  const src = `
    exports.sw = (d, cases) => {
      const log = [];
      const v = (tag, x) => (log.push(tag), x);
      switch (v('d', d)) {
        case v('c0', cases[0]): log.push('b0');
        case v('c1', cases[1]): log.push('b1'); break;
        default: log.push('def');
        case v('c2', cases[2]): log.push('b2');
      }
      return log;
    };
    exports.reassign = () => { let x = 1; switch (x) { case (x = 2, 1): return 'one:' + x; default: return 'other'; } };
    exports.depth = function depth(n) { switch (n) { case 0: return 0; case depth(n - 1) + 1: return n; } return -1; };
    exports.gen = function* (d) { switch (d) { case yield 'a': return 'A'; case yield 'b': return 'B'; } return 'none'; };
    exports.asy = async (d) => { switch (await d) { case await Promise.resolve(1): return 'one'; default: return 'other'; } };
    exports.self = function () { switch (this.k) { case arguments[0]: return 'arg'; case this.j: return 'j'; } return 'none'; };
    exports.labels = (n) => { const out = []; outer: for (let i = 0; i < n; i++) { sw: switch (i % 3) { case 0: continue outer; case 1: break sw; default: break outer; } out.push(i); } return out; };
    exports.annexB = () => { switch (1) { case 1: function hoisted() { return 'h'; } } return typeof hoisted; };
    exports.comma = (a) => { switch (0, a) { case 1, 2: return 'two'; default: return 'no'; } };
    exports.braceless = (a, b) => { if (a) switch (b) { case 'x': return 'x'; } else return 'else'; return 'fell'; };
    exports.nested = (a, b) => { switch (a) { case 1: switch (b) { case 'p': return 'p'; case 'q': return 'q'; } return 'in'; case 2: return 'two'; } return 'out'; };
    exports.noTests = (a) => { switch (a) { default: return 'd'; } };
  `;
  const [l, p] = both(src);

  it('evaluates the discriminant once and case tests lazily, in order, each once', () => {
    const inputs: [unknown, unknown[]][] = [[1, [1, 2, 3]], [2, [1, 2, 3]], [3, [1, 2, 3]], [9, [1, 2, 3]], ['2', [1, 2, '2']], [NaN, [NaN, 0, 1]]];
    for (const [d, cases] of inputs) assert.deepEqual(l.exports.sw(d, cases), p.sw(d, cases), `sw(${String(d)})`);
    assert.deepEqual(l.exports.reassign(), p.reassign());
    assert.deepEqual(l.exports.self.call({ k: 5, j: 5 }, 4), 'j');
    assert.deepEqual(l.exports.self.call({ k: 4, j: 5 }, 4), 'arg');
    assert.deepEqual(l.exports.labels(7), p.labels(7));
    assert.equal(l.exports.annexB(), p.annexB());
    assert.equal(l.exports.comma(2), 'two');
    assert.equal(l.exports.comma(1), 'no');
    for (const [a, b] of [[1, 'x'], [1, 'y'], [0, 'x']]) assert.equal(l.exports.braceless(a, b), p.braceless(a, b));
    for (const [a, b] of [[1, 'p'], [1, 'q'], [1, 'r'], [2, 'p'], [3, 'p']]) assert.equal(l.exports.nested(a, b), p.nested(a, b));
    assert.equal(l.exports.noTests(1), 'd');
  });

  it('keeps generators and async functions working', async () => {
    for (const sends of [[undefined, 'a-val'], [undefined, 1, 'b-val'], [undefined, 1, 2]]) {
      const gi = l.exports.gen('b-val');
      const gp = p.gen('b-val');
      for (const s of sends) assert.deepEqual(gi.next(s), gp.next(s));
    }
    assert.equal(await l.exports.asy(1), 'one');
    assert.equal(await l.exports.asy(Promise.resolve(2)), 'other');
  });

  it('reports (discriminant, case value, SWITCH_CASE) for each evaluated case, one site per case', () => {
    const { calls } = record(l, () => l.exports.sw('k', ['a', 'b', 'k']));
    assert.deepEqual(ops(calls), [['k', 'a', CMP.SWITCH_CASE], ['k', 'b', CMP.SWITCH_CASE], ['k', 'k', CMP.SWITCH_CASE]]);
    assert.equal(new Set(calls.map((c) => c[0])).size, 3);
    const first = record(l, () => l.exports.sw('a', ['a', 'b', 'k'])).calls;
    assert.deepEqual(ops(first), [['a', 'a', CMP.SWITCH_CASE]]); // later cases are not evaluated
    assert.equal(first[0][0], calls[0][0]);
  });

  it('reports the discriminant of the right switch under recursion', () => {
    const { value, calls } = record(l, () => l.exports.depth(2));
    assert.equal(value, 2);
    assert.deepEqual(ops(calls), [[2, 0, 8], [1, 0, 8], [0, 0, 8], [1, 1, 8], [2, 2, 8]]);
  });

  it('is not emitted with compares off', () => {
    const off = loadCjs(src, { compares: false });
    assert.equal(off.result.compareSites, 0);
    assert.ok(!off.result.code.includes('__tsfz_d'));
    assert.deepEqual(off.exports.sw(2, [1, 2, 3]), p.sw(2, [1, 2, 3]));
  });
});

describe('traced method calls', () => {
  const src = `
    exports.str = (s, y) => [s.startsWith(y), s.endsWith(y), s.includes(y), s.indexOf(y), s.lastIndexOf(y), s.localeCompare(y)];
    exports.strPos = (s, y, n) => [s.startsWith(y, n), s.endsWith(y, n), s.indexOf(y, n)];
    exports.member = (o, y) => o.p.startsWith(y);
    exports.call = (f, y) => f().endsWith(y);
    exports.lit = (y) => 'abcdef'.includes(y);
    exports.bytes = (b, y) => [b.includes(y), b.indexOf(y), b.lastIndexOf(y)];
    exports.equals = (b, y) => b.equals(y);
    exports.compare = (b, y) => b.compare(y);
    exports.bufCompare = (a, b) => Buffer.compare(a, b);
    exports.has = (m, k) => m.has(k);
    exports.get = (m, k) => m.get(k);
    exports.thisHas = function (k) { return this.has(k); };
    exports.Sub = class Sub extends Map { constructor(log) { super([['a', 1]]); this.log = log; } has(k) { this.log.push('has ' + k); return super.has(k); } };
    exports.order = (o, log) => o.startsWith((log.push('arg'), 'x'));
    exports.memberOrder = (o, log) => o.p.startsWith((log.push('arg'), 'x'));
    const t = (f) => { try { return f(); } catch (e) { return e.constructor.name; } }; // (messages of a?.b differ: counters)
    exports.optional = (a) => [t(() => a?.b.startsWith('x')), t(() => a?.b?.startsWith('x')), t(() => a?.startsWith('x')), t(() => a?.b.c?.includes('y'))];
    exports.userStart = (o, y, n) => o.startsWith(y, n);
    exports.optCall = (s) => s.startsWith?.('x');
    exports.spread = (s, args) => s.startsWith(...args);
    exports.computed = (s) => s['startsWith']('x');
    exports.withScope = function (scope) { with (scope) { return s.startsWith('x'); } };
    exports.args = function () { return arguments[0].includes(arguments[1]); };
  `;
  const [l, p] = both(src);

  it('reports (receiver, argument, op) for string receivers', () => {
    const { value, calls } = record(l, () => l.exports.str('hello', 'l'));
    assert.deepEqual(value, p.str('hello', 'l'));
    const want = [CMP.STARTS_WITH, CMP.ENDS_WITH, CMP.INCLUDES, CMP.INDEX_OF, CMP.LAST_INDEX_OF, CMP.LOCALE_COMPARE].map((op) => ['hello', 'l', op]);
    assert.deepEqual(ops(calls), want);
    assert.equal(new Set(calls.map((c) => c[0])).size, 6);
    const pos = record(l, () => l.exports.strPos('hello', 'l', 3));
    assert.deepEqual(pos.value, p.strPos('hello', 'l', 3));
    assert.deepEqual(ops(pos.calls), [['hello', 'l', 9], ['hello', 'l', 10], ['hello', 'l', 12]]);
    assert.deepEqual(ops(record(l, () => l.exports.member({ p: 'GET /' }, 'GET')).calls), [['GET /', 'GET', 9]]);
    assert.deepEqual(ops(record(l, () => l.exports.call(() => 'abc', 'c')).calls), [['abc', 'c', 10]]);
    assert.deepEqual(ops(record(l, () => l.exports.lit('cd')).calls), [['abcdef', 'cd', 11]]);
    assert.deepEqual(ops(record(l, () => l.exports.args('xyz', 'y')).calls), [['xyz', 'y', 11]]);
  });

  it('reports bytes receivers (Buffer and Uint8Array) and Buffer.compare', () => {
    const buf = Buffer.from('magic!');
    const u8 = new Uint8Array([1, 2, 3]);
    for (const [b, y] of [[buf, 'gic'], [u8, 2]] as const) {
      const { value, calls } = record(l, () => l.exports.bytes(b, y));
      assert.deepEqual(value, p.bytes(b, y));
      assert.deepEqual(ops(calls), [[b, y, CMP.BYTES_INDEX_OF], [b, y, CMP.BYTES_INDEX_OF], [b, y, CMP.BYTES_INDEX_OF]]);
    }
    const other = Buffer.from('magic?');
    const eq = record(l, () => l.exports.equals(buf, other));
    assert.equal(eq.value, false);
    assert.deepEqual(ops(eq.calls), [[buf, other, CMP.BYTES_EQUALS]]);
    assert.deepEqual(ops(record(l, () => l.exports.compare(buf, other)).calls), [[buf, other, CMP.BYTES_COMPARE]]);
    const bc = record(l, () => l.exports.bufCompare(buf, other));
    assert.equal(bc.value, Buffer.compare(buf, other));
    assert.deepEqual(ops(bc.calls), [[buf, other, CMP.BYTES_COMPARE]]);
    // Not bytes: other typed arrays, arrays, Proxies of a Uint8Array.
    const notBytes = [new Uint16Array([1, 2]), [1, 2, 3], new Proxy(new Uint8Array([1, 2]), {})];
    for (const b of notBytes) {
      const r = record(l, () => outcome(() => l.exports.bytes(b, 2)));
      assert.deepEqual(r.value, outcome(() => p.bytes(b, 2)));
      assert.deepEqual(r.calls, []);
    }
  });

  it('reports (probe, collection) for has/get on objects; Map subclasses keep their methods', () => {
    const m = new Map([['k', 1]]);
    const s = new Set(['k']);
    assert.deepEqual(record(l, () => l.exports.has(m, 'x')).calls.map((c) => c.slice(1)), [['x', m, CMP.MAP_HAS]]);
    assert.deepEqual(ops(record(l, () => l.exports.has(s, 'k')).calls), [['k', s, CMP.MAP_HAS]]);
    const g = record(l, () => l.exports.get(m, 'k'));
    assert.equal(g.value, 1);
    assert.deepEqual(ops(g.calls), [['k', m, CMP.MAP_GET]]);
    assert.deepEqual(ops(record(l, () => l.exports.thisHas.call(m, 'z')).calls), [['z', m, CMP.MAP_HAS]]);
    const log: string[] = [];
    const sub = new l.exports.Sub(log);
    const r = record(l, () => l.exports.has(sub, 'a'));
    assert.equal(r.value, true);
    assert.deepEqual(log, ['has a']);
    assert.deepEqual(ops(r.calls), [['a', sub, CMP.MAP_HAS], ['a', sub, CMP.MAP_HAS]]); // the call, then super.has
    for (const prim of ['str', 1, null, undefined]) assert.deepEqual(record(l, () => outcome(() => l.exports.has(prim, 'k'))).calls, []);
  });

  it('leaves user methods, String objects and Proxies alone', () => {
    const mine = { tag: 'T', startsWith(this: { tag: string }, ...a: unknown[]) { return `${this.tag}:${a.join(':')}`; } };
    assert.deepEqual(record(l, () => l.exports.userStart(mine, 'q', 4)), { value: 'T:q:4', calls: [] });
    assert.deepEqual(record(l, () => l.exports.member({ p: mine }, 'q')), { value: 'T:q', calls: [] });
    const so = new String('hello');
    assert.deepEqual(record(l, () => l.exports.str(so, 'l')), { value: p.str(so, 'l'), calls: [] });
    const mk = (log: string[]): object =>
      new Proxy({}, {
        get: (_t, k) => (log.push(`get ${String(k)}`), k === 'p' ? mk(log) : (x: unknown) => `called ${String(x)}`),
        getPrototypeOf: () => (log.push('getPrototypeOf'), Object.prototype),
        has: (_t, k) => (log.push(`has ${String(k)}`), false),
      });
    for (const f of ['str', 'bytes', 'equals', 'compare', 'has', 'get', 'member'] as const) {
      const li: string[] = [];
      const lp: string[] = [];
      const out = record(l, () => l.exports[f](mk(li), 'x'));
      assert.deepEqual(out.value, p[f](mk(lp), 'x'), f);
      assert.deepEqual(li, lp, f);
      if (f !== 'has' && f !== 'get') assert.deepEqual(out.calls, [], f);
    }
    const pm = new Proxy(new Map(), {});
    assert.deepEqual(outcome(() => l.exports.has(pm, 'k')), outcome(() => p.has(pm, 'k'))); // incompatible receiver
  });

  it('looks the method up before evaluating the arguments, and throws the same errors', () => {
    for (const f of ['order', 'memberOrder'] as const) {
      const mk = (log: string[]): object => {
        const o = { get startsWith() { log.push('lookup'); return (x: string) => `ok ${x}`; } };
        return f === 'order' ? o : { p: o };
      };
      const li: string[] = [];
      const lp: string[] = [];
      assert.deepEqual(outcome(() => l.exports[f](mk(li), li)), outcome(() => p[f](mk(lp), lp)));
      assert.deepEqual(li, ['lookup', 'arg']);
      assert.deepEqual(li, lp);
      for (const bad of [null, undefined, 5, {}]) {
        const bi: string[] = [];
        const bp: string[] = [];
        const recv = f === 'order' ? bad : { p: bad };
        const oi = outcome(() => l.exports[f](recv, bi)) as { error: string; message: string };
        const op = outcome(() => p[f](recv, bp)) as { error: string; message: string };
        assert.equal(oi.error, 'TypeError');
        assert.equal(oi.error, op.error);
        assert.deepEqual(bi, bp); // the argument is not evaluated when the lookup throws
        // Identifier receivers keep the exact message; a captured receiver is named __tsfz_v.
        if (f === 'order' || bad === null || bad === undefined) assert.equal(oi.message, op.message);
        else assert.equal(oi.message, 'o.p.startsWith is not a function'.replace('o.p', '__tsfz_v'));
      }
    }
    for (const [f, args] of [['str', [{}, 'x']], ['str', ['s', Symbol('x')]], ['equals', [Buffer.from('a'), 'a']], ['bufCompare', [Buffer.from('a'), 1]], ['has', [{}, 1]]] as const) {
      assert.deepEqual(outcome(() => l.exports[f](...args)), outcome(() => p[f](...args)), f);
    }
  });

  it('keeps optional chains, optional calls, spreads and computed names as they were', () => {
    for (const a of [null, undefined, { b: 'xy' }, { b: null }, 'xs', { b: { c: 'yy' } }]) {
      assert.deepEqual(outcome(() => l.exports.optional(a)), outcome(() => p.optional(a)), JSON.stringify(a));
    }
    const r = record(l, () => l.exports.optional({ b: 'xy' }));
    assert.deepEqual(ops(r.calls), [['xy', 'x', CMP.STARTS_WITH]]); // only a?.b?.startsWith (a?.b.startsWith is skipped)
    assert.deepEqual(ops(record(l, () => l.exports.optional('xs')).calls), [['xs', 'x', CMP.STARTS_WITH]]);
    assert.deepEqual(record(l, () => [l.exports.optCall('xa'), l.exports.spread('xa', ['x']), l.exports.computed('xa')]), { value: [true, true, true], calls: [] });
    assert.equal(l.exports.optCall({}), undefined);
  });

  it('places no hooks inside `with` (Proxy scopes see the same lookups)', () => {
    const mk = (log: string[]): object =>
      new Proxy({ s: 'xyz' }, {
        has: (t, k) => (log.push(`has ${String(k)}`), k in t),
        get: (t, k) => (log.push(`get ${String(k)}`), (t as Record<PropertyKey, unknown>)[k]),
      });
    const li: string[] = [];
    const lp: string[] = [];
    const r = record(l, () => l.exports.withScope(mk(li)));
    assert.equal(r.value, p.withScope(mk(lp)));
    assert.deepEqual(li, lp);
    assert.deepEqual(r.calls, []);
  });

  it('works when the module shadows the globals the prologue uses', () => {
    const s = loadCjs(`
      exports.f = (b, y) => [b.equals(y), b.includes(y), m.has(y)];
      const Object = 1, Uint8Array = 2, Symbol = 3, Function = 4, Map = class {}, Buffer = { compare: () => 'mine' };
      const m = new globalThis.Map([[1, 2]]);
      exports.g = (a, b) => Buffer.compare(a, b);
    `);
    const b = Buffer.from('ab');
    const r = record(s, () => s.exports.f(b, b));
    assert.deepEqual(r.value, [true, true, false]);
    assert.deepEqual(ops(r.calls), [[b, b, 15], [b, b, 17], [b, new globalThis.Map([[1, 2]]), 18]]);
    assert.deepEqual(record(s, () => s.exports.g(b, b)).value, 'mine');
  });

  it('runs without the runtime and is not emitted with compares off', () => {
    const r = transformSource(src, '/x/no-rt-methods.js', { instrument: true, format: 'commonjs' });
    const module = { exports: {} as Record<string, (...a: unknown[]) => unknown> };
    new Function('globalThis', 'module', 'exports', 'Buffer', r.code)({ Int32Array }, module, module.exports, Buffer); // a global object without __tsfuzzCov
    assert.deepEqual(module.exports.str('hello', 'l'), p.str('hello', 'l'));
    assert.deepEqual(module.exports.bytes(Buffer.from('abc'), 'b'), [true, 1, 1]);
    assert.equal(module.exports.has(new Map([[1, 1]]), 1), true);
    const off = loadCjs(src, { compares: false });
    assert.equal(off.result.compareSites, 0);
    assert.ok(!/__tsfz_(q|v|tb)/.test(off.result.code));
    assert.deepEqual(off.exports.str('hello', 'l'), p.str('hello', 'l'));
  });

  it('output re-parses as a script and as a module', () => {
    parseScript(l.result.code, { globalReturn: true, next: true, webcompat: true });
    const m = transformSource(
      'export function f(s = "a".includes(x)) { switch (s) { case "a": return s.startsWith("b"); } return this?.m?.has(1) + a?.b.get(2) + c.d.includes?.(2); }\nexport default (x) => /^(GET|PUT) /.test(x);\n',
      '/x/m.mjs',
      { instrument: true, format: 'module' },
    );
    parseModule(m.code, { next: true });
    assert.equal(m.compareSites, 4);
  });
});

describe('regex dictionary tokens', () => {
  const cases: [RegExp | [string, string], string[], string[]?][] = [
    [/^GET \/(\w+)/, ['GET /']],
    [/^(GET|POST|PUT) /, ['GET ', 'POST ', 'PUT ', 'GET', 'POST', 'PUT']],
    [/(\d+)-foo-bar$/, ['-foo-bar']],
    [/colou?r/i, ['color', 'colour']],
    [/a[.]b\.c\/d/, ['a.b.c/d']],
    [/ab+c/, ['ab', 'bc']],
    [/\x41\u0042C\n/, ['ABC\n']],
    [/[abc]de|\bword\b/, ['de', 'word']],
    [/(?!forbidden)allowed(?=after)/, ['allowed', 'after'], ['forbidden']],
    [/(?<year>\d{4})-(?:xx|yy)-\k<year>/, ['-xx-', '-yy-', 'xx', 'yy']],
    [/\p{L}+end/u, ['end']],
    [/\u{1F600}ok/u, ['\u{1F600}ok']],
    [['[[a-z]--[aeiou]]xy', 'v'], ['xy']],
    [/x{2}y{1,2}z*w/, ['xxy', 'xxyy']],
    [/^\d+\.\d+$/, []],
    [/key=(on|off)&/, ['key=on&', 'key=off&', 'on', 'off']],
    [['\\1ab|\\0cd', ''], ['ab', '\0cd']],
    [['^HELLO (world|there)', ''], ['HELLO world', 'HELLO there', 'world', 'there']],
  ];
  for (const [re, want, not = []] of cases) {
    const [pattern, flags] = Array.isArray(re) ? re : [re.source, re.flags];
    it(`/${pattern}/${flags}`, () => {
      const got = regexTokens(pattern, flags);
      for (const w of want) assert.ok(got.includes(w), `${JSON.stringify(w)} missing from ${JSON.stringify(got)}`);
      for (const n of not) assert.ok(!got.includes(n), `${JSON.stringify(n)} should not be in ${JSON.stringify(got)}`);
      if (want.length === 0) assert.deepEqual(got, []);
      for (const t of got) assert.ok(t.length >= 2 && t.length <= 64);
    });
  }
  it('never throws on malformed or huge patterns', () => {
    for (const bad of ['(', '(?', '(?<', '(?<name', '[abc', '\\', 'a{', 'a{2', '*a', '(?x)ab', ')ab(', '\\u{110000}', '\\c', '(((((a))))'.repeat(20), 'x'.repeat(30000), '(a|'.repeat(100) + 'zz']) {
      assert.doesNotThrow(() => regexTokens(bad, ''), bad.slice(0, 20));
      assert.doesNotThrow(() => regexTokens(bad, 'u'), bad.slice(0, 20));
    }
    assert.deepEqual(regexTokens('x'.repeat(30000)), []);
    assert.ok(regexTokens('a'.repeat(100)).every((t) => t.length <= 64));
    assert.ok(regexTokens('a'.repeat(100)).includes('a'.repeat(64)));
  });
  it('go into the module literals from regex literals and RegExp(…) with a literal pattern', () => {
    const src = 'exports.f = (s) => [/^GET \\/(\\w+)/.test(s), new RegExp("^(PUT|DEL) +x", "i").test(s), RegExp(`hello+`).test(s), new RegExp(s)];';
    const r = transformSource(src, '/x/re.js', { instrument: true, format: 'commonjs' });
    for (const t of ['GET /', 'PUT ', 'DEL ', 'PUT', 'DEL', 'hello']) assert.ok(r.literals.includes(t), `${t} in ${JSON.stringify(r.literals)}`);
    const off = transformSource(src, '/x/re.js', { instrument: true, format: 'commonjs', compares: false });
    assert.ok(!off.literals.includes('GET /'));
  });
});

describe('stack frames through traced code', () => {
  it('errors thrown in traced calls and case tests have the same stack as without instrumentation', () => {
    const dir = fixtureDir({
      'package.json': '{"type":"module"}',
      'stack.js': `export function main() {
  const s = 'abc';
  const o = { p: s };
  return [
    t(() => s.startsWith(/x/)),
    t(() =>   o.p.endsWith(/x/, 1)),
    t(() => Buffer.from('a').equals('a')),
    t(() => { switch (s) { case 'z': return 1;
      case boom(): return 2; } }),
    t(() => o.q.includes('x')),
    t(() => s.localeCompare('b', 'xx-invalid-locale-!')),
  ];
}
function boom() { throw new Error('boom'); }
function t(f) { try { f(); return 'no error'; } catch (e) { return e.stack.split('\\n').slice(0, 4).join(' | '); } }
`,
    });
    const on = runChild(dir, './stack.js', { instrument: true });
    const off = runChild(dir, './stack.js', { instrument: false });
    assert.ok(on.result && off.result, on.stderr + off.stderr);
    assert.equal(on.result.error, null, on.result.error?.stack);
    assert.ok((on.result.modules[path.join(dir, 'stack.js')] ?? 0) > 0);
    assert.equal(off.result.edges, 0);
    // Source-mapped frames print paths, not file URLs (and name anonymous functions): compare
    // the message and every position.
    const norm = (st: string): string => `${st.split(' | ')[0]} @ ${(st.match(/stack\.js:\d+:\d+/g) ?? []).join(' ')}`;
    const stacks = (on.result.value as string[]).map(norm);
    assert.equal(stacks.length, 6);
    assert.deepEqual(stacks, (off.result.value as string[]).map(norm));
    assert.equal(stacks[3], 'Error: boom @ stack.js:14:25 stack.js:9:12 stack.js:15:23');
    assert.equal(stacks[1].split(' @ ')[1], 'stack.js:6:19 stack.js:15:23');
  });
});

const DIST = path.dirname(fileURLToPath(import.meta.url));
const url = (p: string): string => JSON.stringify(pathToFileURL(p).href);

describe('compare-site ids across modules', () => {
  it('two compare sites in different modules never share an id', () => {
    // Two modules (ESM TypeScript and CommonJS) with the same shape of compare sites, loaded through
    // the real loader; a recording cmp sees every report. Their site ids must be disjoint.
    const dir = fixtureDir({
      'package.json': '{"type":"module"}',
      'a.ts': `import b from './b.cjs';
export function main(): unknown {
  const s: string = 'from-a';
  let r = s === 'A' ? 1 : 0;
  switch (s) { case 'A1': r++; break; case 'A2': r--; }
  r += s.startsWith('A3') ? 1 : 0;
  r += new Map([['A4', 1]]).has(s) ? 1 : 0;
  return [r, b('from-b')];
}
`,
      'b.cjs': `module.exports = function (s) {
  let r = s === 'B' ? 1 : 0;
  switch (s) { case 'B1': r++; break; case 'B2': r--; }
  r += s.startsWith('B3') ? 1 : 0;
  r += new Map([['B4', 1]]).has(s) ? 1 : 0;
  return r;
};
`,
      'boot.mjs': `
import { installCoverageRuntime } from ${url(path.join(DIST, '..', 'coverage', 'runtime.js'))};
import { registerLoader } from ${url(path.join(DIST, 'register.js'))};
const rt = installCoverageRuntime();
const calls = [];
rt.cmp = (site, left, right, op) => calls.push([site, typeof left === 'string' ? left : typeof right === 'string' ? right : String(right), op]);
registerLoader({ instrument: true });
const ns = await import('./a.ts');
const value = ns.main();
console.log('RESULT ' + JSON.stringify({ value, calls, modules: rt.compareModules }));
`,
    });
    const r = spawnSync(process.execPath, [path.join(dir, 'boot.mjs')], { cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000 });
    const line = r.stdout.split('\n').find((s) => s.startsWith('RESULT '));
    assert.ok(line, `no result; status ${r.status}\n${r.stdout}\n${r.stderr}`);
    const res = JSON.parse(line.slice(7)) as { value: unknown; calls: [number, string, number][]; modules: { key: string; base: number; count: number }[] };
    assert.deepEqual(res.value, [0, 0]);
    const siteOf = (who: 'a' | 'b'): Set<number> => new Set(res.calls.filter((c) => c[1] === `from-${who}`).map((c) => c[0]));
    const a = siteOf('a');
    const b = siteOf('b');
    // === , two switch cases, startsWith, has (probe reported as left) in each module.
    assert.equal(a.size, 5, JSON.stringify(res.calls));
    assert.equal(b.size, 5, JSON.stringify(res.calls));
    assert.deepEqual([...a].filter((x) => b.has(x)), []);
    assert.deepEqual(res.calls.map((c) => c[2]).sort((x, y) => x - y), [0, 0, 8, 8, 8, 8, 9, 9, 18, 18]);
    // Each module's reported ids lie in its own claimed range, and the ranges do not overlap.
    const ma = res.modules.find((m) => m.key.endsWith('a.ts'))!;
    const mb = res.modules.find((m) => m.key.endsWith('b.cjs'))!;
    for (const s of a) assert.ok(s >= ma.base && s < ma.base + ma.count);
    for (const s of b) assert.ok(s >= mb.base && s < mb.base + mb.count);
    assert.ok(ma.base + ma.count <= mb.base || mb.base + mb.count <= ma.base);
  });
});
