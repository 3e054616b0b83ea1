/**
 * Tests of edits.ts with map-writer.ts and text-buffer.ts: random insertions (plain and snippet
 * codes) and replacements into texts with every kind of line break and non-Latin-1 characters
 * produce exactly the output of a naive reference, and every original token start resolves, by
 * Node's own source-map lookup, to its original line and column (identity and full maps).
 */
import assert from 'node:assert/strict';
import { SourceMap } from 'node:module';
import { describe, it } from 'node:test';
import { Edits } from './edits.js';
import type { TextBuffer } from './text-buffer.js';
import { rng } from './testutil.js';

const render = (out: TextBuffer, code: number): void => {
  out.str('#');
  out.int(code);
};
const renderedFirst = (): number => 35; // '#'

interface Ins {
  pos: number;
  append: boolean;
  text: string;
  code: number;
  tail: string;
}

/**
 * The expected output (magic-string order at one offset: prepends latest first, then appends in
 * order; a space where inserted text meets a word character) and the output offset of each
 * original character.
 */
function reference(src: string, ins: Ins[], updates: Map<number, [number, string]>): { code: string; at: Int32Array } {
  const at = new Int32Array(src.length).fill(-1);
  const byPos = new Map<number, Ins[]>();
  for (const i of ins) (byPos.get(i.pos) ?? byPos.set(i.pos, []).get(i.pos)!).push(i);
  let out = '';
  let afterInsert = false;
  const apart = (c: number): void => {
    if (isWord(c) && out.length > 0 && isWord(out.charCodeAt(out.length - 1))) out += ' ';
  };
  const put = (s: string): void => {
    if (s.length === 0) return;
    apart(s.charCodeAt(0));
    out += s;
    afterInsert = true;
  };
  const piece = (i: Ins): void => {
    put(i.text);
    if (i.code >= 0) put(`#${i.code}`);
    put(i.tail);
  };
  for (let p = 0; p <= src.length; ) {
    const here = byPos.get(p) ?? [];
    here.filter((i) => !i.append).reverse().forEach(piece);
    here.filter((i) => i.append).forEach(piece);
    if (p === src.length) break;
    const u = updates.get(p);
    if (u) {
      put(u[1]);
      p = u[0];
      continue;
    }
    if (afterInsert) apart(src.charCodeAt(p));
    afterInsert = false;
    at[p] = out.length;
    out += src[p];
    p++;
  }
  return { code: out, at };
}

const isBreak = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c === 10 || c === 0x2028 || c === 0x2029 || (c === 13 && s.charCodeAt(i + 1) !== 10);
};

/** Line and column of every offset (V8's line terminators). */
function positions(s: string): { line: Int32Array; col: Int32Array } {
  const line = new Int32Array(s.length + 1);
  const col = new Int32Array(s.length + 1);
  let l = 0;
  let c = 0;
  for (let i = 0; i <= s.length; i++) {
    line[i] = l;
    col[i] = c;
    if (i < s.length && isBreak(s, i)) {
      l++;
      c = 0;
    } else {
      c++;
    }
  }
  return { line, col };
}

const isWord = (c: number): boolean => /[\w$\\]/.test(String.fromCharCode(c)) || c > 127;

const PIECES = ['x', 'y1 + 2', 'if(a){', '}', '  ', '\t', '\r\n', '\n', '\r', '\u2028', 'é', '世界', 'const $v = "s";', '(', ')', 'a.b(c)'];
const TEXTS = ['(', '))', ';', '', 'ab,', '{', '世'];

function source(r: (n: number) => number, n: number): string {
  let s = '';
  while (s.length < n) s += PIECES[r(PIECES.length)];
  return s;
}

function check(src: string, seed: number, identity: boolean): void {
  const r = rng(seed);
  const ed = new Edits(src, render, renderedFirst);
  const ins: Ins[] = [];
  const updates = new Map<number, [number, string]>();
  // A few replacements of short non-overlapping ranges that hold no line break.
  for (let k = 0; k < 6; k++) {
    const start = r(src.length);
    const end = Math.min(src.length, start + 1 + r(3));
    let ok = true;
    for (let i = start; i < end; i++) if (isBreak(src, i) || src.charCodeAt(i) === 13) ok = false;
    for (const [s, [e]] of updates) if (start < e && s < end) ok = false;
    if (!ok) continue;
    const text = [',', '', '==='][r(3)];
    updates.set(start, [end, text]);
    ed.update(start, end, text);
  }
  const inside = (p: number): boolean => [...updates].some(([s, [e]]) => p > s && p < e);
  for (let k = 0; k < Math.max(200, src.length / 40); k++) {
    const pos = r(src.length + 1);
    if (inside(pos) || (src[pos - 1] === '\r' && src[pos] === '\n')) continue; // never inside a token or a CR LF
    const i: Ins = { pos, append: r(2) === 0, text: TEXTS[r(TEXTS.length)], code: r(3) === 0 ? r(1000) : -1, tail: TEXTS[r(TEXTS.length)] };
    ins.push(i);
    if (i.append) ed.appendLeft(pos, i.text, i.code, i.tail);
    else ed.prependLeft(pos, i.text, i.code, i.tail);
  }
  const built = ed.build(identity);
  const code = built.out.toString();
  const ref = reference(src, ins, updates);
  assert.equal(code, ref.code);

  const map = new SourceMap({ version: 3, file: 'x.js', sources: ['x.js'], sourcesContent: [], names: [], mappings: built.pieces.join(';'), sourceRoot: '' });
  const o = positions(src);
  const g = positions(code);
  let checked = 0;
  for (let p = 0; p < src.length; p++) {
    const c = src.charCodeAt(p);
    if (ref.at[p] < 0 || c === 32 || c === 9 || isBreak(src, p) || c === 13) continue;
    if (isWord(c) && p > 0 && isWord(src.charCodeAt(p - 1)) && ref.at[p - 1] === ref.at[p] - 1) continue; // inside a word
    const q = ref.at[p];
    const e = map.findEntry(g.line[q], g.col[q]) as { originalSource?: string; originalLine?: number; originalColumn?: number };
    const want = `${o.line[p]}:${o.col[p]}`;
    const where = `offset ${p} ${JSON.stringify(src.slice(Math.max(0, p - 8), p))}|${JSON.stringify(src.slice(p, p + 8))} (seed ${seed}, identity ${identity})`;
    if (e.originalSource === undefined) {
      assert.ok(identity, `unmapped in a full map: ${where}`);
      assert.equal(`${g.line[q]}:${g.col[q]}`, want, `unmapped but moved: ${where}`);
    } else {
      assert.equal(`${e.originalLine}:${e.originalColumn}`, want, where);
    }
    checked++;
  }
  assert.ok(checked > src.length / 10);
}

describe('edit list output and map', () => {
  it('matches the reference output and maps every token start exactly', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const src = source(rng(seed * 7919), 400 + (seed % 5) * 300);
      check(src, seed, true);
      check(src, seed, false);
    }
  });

  it('maps texts of thousands of lines the same (their maps are encoded a chunk of lines at a time)', () => {
    for (const seed of [3, 4]) {
      const src = source(rng(seed), 90_000);
      assert.ok(src.split('\n').length > 2500, 'more lines than two chunks');
      check(src, seed, true);
      check(src, seed, false);
    }
  });

  it('handles a Latin-1 text widened by an inserted character, and no edits at all', () => {
    const ed = new Edits('ab\ncd', render, renderedFirst);
    ed.appendLeft(1, 'é', -1, '');
    ed.appendLeft(4, '世', 12, ')');
    assert.equal(ed.build(true).out.toString(), 'a é b\nc 世#12)d'); // é and 世 may be identifier characters
    const none = new Edits('x\ny', render).build(true);
    assert.equal(none.out.toString(), 'x\ny');
    assert.equal(none.pieces.join(';'), 'A;A;'); // identity: nothing moved, nothing mapped (see map-writer.ts on the last ';')
  });

  it('an identity map is much smaller than a full one when edits are sparse', () => {
    const src = Array.from({ length: 200 }, (_, i) => `  const v${i} = f(a, b) + g[c];`).join('\n');
    const sizes = [true, false].map((identity) => {
      const ed = new Edits(src, render, renderedFirst);
      for (let i = 0; i < src.length; i += 400) ed.appendLeft(i, '(', 5, ',');
      return ed.build(identity).pieces.join(';').length;
    });
    assert.ok(sizes[0] * 5 < sizes[1], `${sizes}`);
  });
});
