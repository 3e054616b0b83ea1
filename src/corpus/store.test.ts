import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as K from '../values/kinds.js';
import { CORPUS_HEADER, marshalCorpusFile } from './encoding.js';
import {
  cacheDirFor, cacheRoot, corpusFileId, readCorpusDir, readRawSamples, removeDir, testdataDir,
  writeCorpusEntry, writeFileAtomic,
} from './store.js';

function tmp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsfuzz-corpus-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('corpusFileId is the first 16 hex digits of the SHA-256 of the bytes', () => {
  const text = marshalCorpusFile([K.string()], ['h\u00e9']);
  const full = createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');
  assert.equal(corpusFileId(text), full.slice(0, 16));
  assert.equal(corpusFileId(Buffer.from(text)), full.slice(0, 16));
  assert.match(corpusFileId(''), /^[0-9a-f]{16}$/);
});

test('writeFileAtomic creates directories, replaces files, leaves no temp files', (t) => {
  const dir = tmp(t);
  const path = join(dir, 'a', 'b', 'file');
  writeFileAtomic(path, 'one');
  writeFileAtomic(path, new Uint8Array([116, 119, 111]));
  assert.equal(readFileSync(path, 'utf8'), 'two');
  assert.deepEqual(readdirSync(dirname(path)), ['file']);
  // A failing write (the target is a directory) removes its temp file and throws.
  mkdirSync(join(dir, 'isdir'));
  assert.throws(() => writeFileAtomic(join(dir, 'isdir'), 'x'));
  assert.deepEqual(readdirSync(dir).sort(), ['a', 'isdir']);
});

test('writeCorpusEntry names files by content and does not rewrite them', (t) => {
  const dir = join(tmp(t), 'corpus');
  const kinds = [K.bytes(), K.uint8()];
  const first = writeCorpusEntry(dir, kinds, [new Uint8Array([1, 2]), 7]);
  assert.equal(first.created, true);
  assert.equal(first.path, join(dir, first.id));
  assert.equal(corpusFileId(readFileSync(first.path)), first.id);
  const again = writeCorpusEntry(dir, kinds, [new Uint8Array([1, 2]), 7]);
  assert.deepEqual(again, { ...first, created: false });
  writeCorpusEntry(dir, kinds, [new Uint8Array([1, 2]), 8]);
  assert.equal(readdirSync(dir).length, 2);
  assert.ok(readdirSync(dir).every((n) => /^[0-9a-f]{16}$/.test(n)));
  assert.throws(() => writeCorpusEntry(dir, kinds, [new Uint8Array(0), 256]), /out of range/);
});

test('testdataDir and cacheDirFor', () => {
  assert.equal(testdataDir('/p/src', 'FuzzParse'), join('/p/src', 'testdata', 'fuzz', 'FuzzParse'));
  assert.equal(basename(testdataDir('/p', 'parses a/b: 100%')), 'parses a%2Fb%3A 100%25');
  assert.equal(basename(testdataDir('/p', '..')), '%2E%2E');
  assert.throws(() => testdataDir('/p', ''), /empty target name/);

  const a = cacheDirFor('/c', 'src/parse.fuzz.ts#FuzzParse');
  assert.equal(dirname(a), join('/c'));
  assert.match(basename(a), /^src_parse\.fuzz\.ts_FuzzParse-[0-9a-f]{12}$/);
  assert.notEqual(cacheDirFor('/c', 'src/a#B'), cacheDirFor('/c', 'src_a#B'), 'hash keeps keys apart');
  assert.equal(cacheDirFor('/c', 'x#Y'), cacheDirFor('/c', 'x#Y'));
  const long = basename(cacheDirFor('/c', '../'.repeat(40) + 'deep/file.fuzz.ts#T'));
  assert.ok(long.length <= 73 && !long.startsWith('.'), long);
  assert.ok(long.includes('file.fuzz.ts_T-'), long);
});

test('cacheRoot: TSFUZZ_CACHE, nearest package, else cwd', (t) => {
  const root = tmp(t);
  const saved = process.env.TSFUZZ_CACHE;
  t.after(() => {
    if (saved === undefined) delete process.env.TSFUZZ_CACHE;
    else process.env.TSFUZZ_CACHE = saved;
  });
  delete process.env.TSFUZZ_CACHE;
  const pkg = join(root, 'pkg');
  const deep = join(pkg, 'src', 'deep');
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), '{}');
  assert.equal(cacheRoot(deep), join(pkg, 'node_modules', '.cache', 'tsfuzz'));
  mkdirSync(join(pkg, 'src', 'node_modules'));
  assert.equal(cacheRoot(deep), join(pkg, 'src', 'node_modules', '.cache', 'tsfuzz'));
  process.env.TSFUZZ_CACHE = 'rel/cache';
  assert.equal(cacheRoot(deep), join(deep, 'rel', 'cache'));
  process.env.TSFUZZ_CACHE = '';
  assert.equal(cacheRoot(deep), join(pkg, 'src', 'node_modules', '.cache', 'tsfuzz'));
});

function seedDir(dir: string): Record<string, string> {
  mkdirSync(join(dir, 'subdir'), { recursive: true });
  const H = CORPUS_HEADER + '\n';
  const files: Record<string, string> = {
    b_good: H + 'bytes "hi"\nuint8 1\n',
    a_good: H + 'bytes ""\r\nuint8 255\r\n',
    c_badheader: 'go test fuzz v1\n[]byte("x")\n',
    d_arity: H + 'bytes "hi"\n',
    e_type: H + 'bytes "hi"\nint16 1\n',
    f_range: H + 'bytes "hi"\nuint8 300\n',
    '.hidden': 'junk',
    '.x.tmp-1-abc': 'junk',
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'g_utf8'), Buffer.concat([Buffer.from(H + 'bytes "'), Buffer.from([0xff]), Buffer.from('"\nuint8 1\n')]));
  writeFileSync(join(dir, 'subdir', 'inner'), H + 'bytes ""\nuint8 0\n');
  return files;
}

test('readCorpusDir: strict reports each bad file; non-strict skips them', (t) => {
  const dir = tmp(t);
  const files = seedDir(dir);
  const kinds = [K.bytes(), K.uint8()];
  const strict = readCorpusDir(dir, kinds, { strict: true });
  assert.deepEqual(strict.entries.map((e) => basename(e.path)), ['a_good', 'b_good']);
  assert.deepEqual(strict.entries[0].values, [new Uint8Array(0), 255]);
  assert.equal(strict.entries[0].id, corpusFileId(files.a_good));
  assert.equal(strict.skipped, 0);
  assert.deepEqual(strict.errors.map((e) => [basename(e.path), e.line, e.reason]), [
    ['c_badheader', 0, 'must start with "tsfuzz corpus v1"'],
    ['d_arity', 0, 'has 1 value, the target takes 2 (bytes, uint8)'],
    ['e_type', 0, 'value 2 is int16, the target takes uint8'],
    ['f_range', 3, '300 is out of range for uint8 (0..255)'],
    ['g_utf8', 0, 'not valid UTF-8'],
  ]);
  assert.equal(strict.errors[0].path, join(dir, 'c_badheader'));

  const loose = readCorpusDir(dir, kinds, { strict: false });
  assert.deepEqual(loose.entries, strict.entries);
  assert.deepEqual(loose.errors, []);
  assert.equal(loose.skipped, 5);

  assert.deepEqual(readCorpusDir(join(dir, 'missing'), kinds, { strict: true }), { entries: [], errors: [], skipped: 0 });
});

test('written entries read back', (t) => {
  const dir = tmp(t);
  const kinds = [K.string(), K.float64(), K.int64()];
  const values = ['\ud800\n"', -0, -(1n << 63n)];
  const { id } = writeCorpusEntry(dir, kinds, values);
  const got = readCorpusDir(dir, kinds, { strict: true });
  assert.deepEqual(got.errors, []);
  assert.equal(got.entries.length, 1);
  assert.equal(got.entries[0].id, id);
  assert.ok(Object.is(got.entries[0].values[1], -0));
  assert.deepEqual(got.entries[0].values, values);
});

test('readRawSamples: files become bytes or string inputs', (t) => {
  const dir = tmp(t);
  const gif = Buffer.from([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x00, 0xff]);
  writeFileSync(join(dir, 'b.gif'), gif);
  writeFileSync(join(dir, 'a.txt'), 'h\u00e9llo \u{1f600}');
  writeFileSync(join(dir, '.DS_Store'), 'x');
  mkdirSync(join(dir, 'nested'));

  const asBytes = readRawSamples(dir, K.bytes());
  assert.deepEqual(asBytes.map((e) => basename(e.path)), ['a.txt', 'b.gif']);
  assert.deepEqual(asBytes[1].values, [new Uint8Array(gif)]);
  assert.equal(asBytes[1].values[0].constructor, Uint8Array);
  assert.equal(asBytes[1].id, corpusFileId(marshalCorpusFile([K.bytes()], [new Uint8Array(gif)])));

  const asString = readRawSamples(dir, K.string());
  assert.deepEqual(asString[0].values, ['h\u00e9llo \u{1f600}']);
  assert.equal(asString[1].values[0], 'GIF89a\u0000\ufffd');
  // Stored, a sample gets the same id.
  const stored = writeCorpusEntry(join(dir, 'out'), [K.string()], asString[0].values);
  assert.equal(stored.id, asString[0].id);

  assert.throws(() => readRawSamples(dir, K.uint8()), /bytes or string/);
  assert.throws(() => readRawSamples(join(dir, 'missing'), K.bytes()), /not found/);
});

test('removeDir removes a tree and tolerates a missing one', (t) => {
  const dir = tmp(t);
  writeCorpusEntry(join(dir, 'cache', 't'), [K.bool()], [true]);
  removeDir(join(dir, 'cache'));
  assert.equal(existsSync(join(dir, 'cache')), false);
  removeDir(join(dir, 'cache'));
  assert.throws(() => removeDir('/'), /refusing/);
});

test('concurrent writers sharing a directory never corrupt it', async (t) => {
  const dir = tmp(t);
  const store = new URL('./store.js', import.meta.url).href;
  const kinds = new URL('../values/kinds.js', import.meta.url).href;
  // Each process writes the same 150 entries (in a different order) plus 50 of its own.
  const script = `import { writeCorpusEntry } from ${JSON.stringify(store)};
    import { bytes, uint16 } from ${JSON.stringify(kinds)};
    const me = Number(process.argv[1]);
    const ids = Array.from({ length: 150 }, (_, i) => i);
    if (me % 2) ids.reverse();
    for (const i of ids) writeCorpusEntry(process.argv[2], [bytes(), uint16()], [new Uint8Array(i * 7).fill(i), i]);
    for (let i = 0; i < 50; i++) writeCorpusEntry(process.argv[2], [bytes(), uint16()], [new Uint8Array(0), 1000 * (me + 1) + i]);`;
  const run = (me: number) => new Promise<number | null>((done) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, String(me), dir], { stdio: 'inherit' });
    child.on('exit', done);
  });
  assert.deepEqual(await Promise.all([0, 1, 2, 3].map(run)), [0, 0, 0, 0]);
  const got = readCorpusDir(dir, [K.bytes(), K.uint16()], { strict: true });
  assert.deepEqual(got.errors, []);
  assert.equal(got.entries.length, 150 + 4 * 50);
  assert.equal(readdirSync(dir).length, 350, 'no temp files left');
  for (const e of got.entries) assert.equal(basename(e.path), e.id);
});
