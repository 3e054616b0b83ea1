/**
 * Tests of the AFL/libFuzzer dictionary parser and writer: accepted syntax (names, levels,
 * comments, escapes, raw UTF-8, CRLF), malformed lines with their line numbers and reasons, and
 * round trips of arbitrary bytes through formatDictionary. Run by `node --test dist/corpus/`.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DictFormatError, formatDictionary, parseDictionary, quoteToken } from './dict.js';

const str = (ts: Uint8Array[]) => ts.map((t) => Buffer.from(t).toString('latin1'));

test('parses values, names, levels, comments, blank lines, escapes and CRLF', () => {
  const text = [
    '# a comment',
    '',
    '"plain"',
    'kw1="with name"',
    'kw_2@3 = "level and spaces"  ',
    '  "indented"\t',
    '"esc \\\\ \\" \\x41\\xff\\x00"',
    '"h\u00e9"', // raw UTF-8 is kept as bytes
    '""', // empty values are skipped
    'header-value.x="dots and dashes"\r',
    '   # indented comment',
  ].join('\n');
  assert.deepEqual(str(parseDictionary(text)), [
    'plain', 'with name', 'level and spaces', 'indented', 'esc \\ " A\xff\x00', 'h\xc3\xa9', 'dots and dashes',
  ]);
  assert.deepEqual(str(parseDictionary(Uint8Array.of(0x22, 0xe9, 0x22))), ['\xe9'], 'raw bytes of a non-UTF-8 file');
  assert.deepEqual(parseDictionary(''), []);
});

test('malformed lines: DictFormatError with the line and a reason', () => {
  const cases: [string, number, RegExp][] = [
    ['"ok"\n"unterminated', 2, /unterminated/],
    ['"a\\n"', 1, /invalid escape \\n/],
    ['"a\\x4"', 1, /two hex digits/],
    ['"a\\xZZ"', 1, /two hex digits/],
    ['"a\\', 1, /unterminated/],
    ['"a" trailing', 1, /after the closing quote/],
    ['"a" # comment', 1, /after the closing quote/],
    ['"a"b"', 1, /after the closing quote/],
    ['\n\nname', 3, /expected '=' after the name, found end of line/],
    ['name value', 1, /expected '=' after the name/],
    ['name=value', 1, /expected '"' after '='/],
    ['name=', 1, /expected '"' after '=', found end of line/],
    ["'single'", 1, /expected "value" or name="value"/],
    ['kw@="x"', 1, /level number/],
    ['"tab\there"', 1, /raw control character 0x09.*\\x09/],
  ];
  for (const [text, line, re] of cases) {
    assert.throws(() => parseDictionary(text), (e: unknown) => {
      assert.ok(e instanceof DictFormatError, `${JSON.stringify(text)}: ${String(e)}`);
      assert.equal(e.line, line, JSON.stringify(text));
      assert.match(e.reason, re, JSON.stringify(text));
      assert.equal(e.message, `line ${line}: ${e.reason}`);
      return true;
    });
  }
});

test('formatDictionary writes AFL syntax that round-trips any bytes', () => {
  assert.equal(quoteToken(Uint8Array.of(0x41, 0x22, 0x5c, 0x0a, 0xff, 0x7f, 0x20)), String.raw`"A\"\\\x0A\xFF\x7F "`);
  const tokens = [
    new TextEncoder().encode('GET /'),
    Uint8Array.of(0xef, 0xbe, 0xad, 0xde),
    new Uint8Array(0),
    new TextEncoder().encode('quote " and \\ backslash'),
    Uint8Array.from({ length: 256 }, (_, i) => i),
  ];
  const text = formatDictionary(tokens, { header: 'tsfuzz recommended dictionary\nline two', notes: ['uses: 3', undefined, 'skipped', 'multi\nline'] });
  assert.ok(text.startsWith('# tsfuzz recommended dictionary\n# line two\n# uses: 3\n"GET /"\n"\\xEF\\xBE\\xAD\\xDE"\n'));
  assert.ok(!text.includes('skipped'), 'empty tokens and their notes are left out');
  assert.ok(text.endsWith('\n'));
  assert.deepEqual(parseDictionary(text).map((t) => [...t]), tokens.filter((t) => t.length > 0).map((t) => [...t]));
  // random tokens
  let x = 12345;
  const rnd = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
  const many = Array.from({ length: 200 }, () => Uint8Array.from({ length: 1 + (rnd() % 40) }, rnd));
  assert.deepEqual(parseDictionary(formatDictionary(many)).map((t) => [...t]), many.map((t) => [...t]));
  assert.equal(formatDictionary([]), '');
});
