/**
 * Tests of the on-disk transform cache (cache.ts): hit on the second transform, keys that change
 * with content/options/file name (and the project's TypeScript version, for a file that may have
 * decorators), corrupt or truncated entries ignored and rebuilt, no cache dir, non-Latin-1 code;
 * and one transform per miss across processes (cache-lock.ts): two processes loading the same big
 * file on a cold cache, waiting for a live owner, taking over a dead or stale one, and the bound
 * on waiting.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { cacheKey, cacheStats, entryPath, readOrMake, tsfuzzVersion, writeEntry, type CacheSlot } from './cache.js';
import { TRANSFORM_REVISION } from './revision.js';
import { transformCached } from './transform-cached.js';
import { fixtureDir } from './testutil.js';
import type { TransformResult } from './transform.js';

const SRC = 'exports.f = (x) => x > 1 ? "big" : "small";\n';

describe('transform cache', () => {
  it('misses once, then hits with the same result', () => {
    const cacheDir = path.join(fixtureDir({}), 'c');
    const opts = { instrument: true, format: 'commonjs' as const, cacheDir };
    const { hits, misses } = cacheStats;
    const a = transformCached(SRC, '/x/a.js', opts);
    const b = transformCached(SRC, '/x/a.js', opts);
    assert.equal(cacheStats.misses - misses, 1);
    assert.equal(cacheStats.hits - hits, 1);
    assert.deepEqual(b, a);
  });
  it('keys on content, file name and options', () => {
    const base = cacheKey(SRC, '/x/a.js', { instrument: true });
    assert.notEqual(cacheKey(SRC + ' ', '/x/a.js', { instrument: true }), base);
    assert.notEqual(cacheKey(SRC, '/x/b.js', { instrument: true }), base);
    assert.notEqual(cacheKey(SRC, '/x/a.js', { instrument: false }), base);
    assert.notEqual(cacheKey(SRC, '/x/a.js', { instrument: true, compares: false }), base);
    assert.notEqual(cacheKey(SRC, '/x/a.js', { instrument: true, format: 'module' }), base);
    assert.equal(cacheKey(SRC, '/x/a.js', { instrument: true, compares: true }), base);
    // Large sources are hashed in chunks: the key is still that of the whole text's UTF-8.
    const big = 'x'.repeat((1 << 18) - 1) + '\ud83d\ude00' + 'é'.repeat(1 << 18);
    // (The empty field is a TypeScript file's compiler settings: tsconfig.ts compileCacheSalt.)
    const head = `tsfuzz ${tsfuzzVersion()} r${TRANSFORM_REVISION}\0/x/a.js\0{"instrument":true,"format":null,"compares":true}\0\0`;
    assert.equal(cacheKey(big, '/x/a.js', { instrument: true }), createHash('sha256').update(head).update(big).digest('hex'));
    assert.notEqual(cacheKey(big, '/x/a.js', { instrument: true }), cacheKey(big.replace('\ud83d\ude00', '\ufffd\ufffd'), '/x/a.js', { instrument: true }));
  });
  it("keys a TypeScript file that may have decorators on its project's TypeScript version: an upgrade recompiles it", () => {
    const dir = fixtureDir({
      'tsconfig.json': '{ "compilerOptions": { "experimentalDecorators": true } }',
      'node_modules/typescript/lib/typescript.js': 'module.exports = {};\n',
      'src/item.ts': '@Entity() export class Item {}\n',
    });
    const install = (version: string) =>
      fs.writeFileSync(path.join(dir, 'node_modules/typescript/package.json'), JSON.stringify({ name: 'typescript', version, main: './lib/typescript.js' }));
    // The package is resolved once per folder and process, so each install is seen by a new process.
    const keyInNewProcess = () => {
      const cache = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'cache.js')).href;
      const file = path.join(dir, 'src/item.ts');
      const script = `import { cacheKey } from ${JSON.stringify(cache)}; import fs from 'node:fs';
        const f = ${JSON.stringify(file)}; console.log(cacheKey(fs.readFileSync(f, 'utf8'), f, { instrument: true }));`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };
    install('5.4.5');
    const before = keyInNewProcess();
    assert.equal(keyInNewProcess(), before);
    install('5.9.3');
    assert.notEqual(keyInNewProcess(), before);
  });
  it('ignores and rebuilds corrupt or truncated entries', () => {
    const cacheDir = path.join(fixtureDir({}), 'c');
    const opts = { instrument: true, format: 'commonjs' as const, cacheDir };
    const good = transformCached(SRC, '/x/c.js', opts);
    const file = entryPath(cacheDir, cacheKey(SRC, '/x/c.js', opts));
    for (const damage of [(t: string) => t.slice(0, t.length - 10), () => 'garbage', () => '{"key":"x"}\n', () => '']) {
      fs.writeFileSync(file, damage(fs.readFileSync(file, 'utf8')));
      const misses = cacheStats.misses;
      assert.deepEqual(transformCached(SRC, '/x/c.js', opts), good);
      assert.equal(cacheStats.misses - misses, 1);
      assert.ok(fs.readFileSync(file, 'utf8').endsWith(good.code)); // rewritten
    }
  });
  it('works without a cache dir and survives an unwritable one', () => {
    const r = transformCached(SRC, '/x/d.js', { instrument: true, format: 'commonjs' });
    assert.ok(r.edges > 0);
    const dir = fixtureDir({ 'file-not-dir': 'x' });
    const r2 = transformCached(SRC, '/x/d.js', { instrument: true, format: 'commonjs', cacheDir: path.join(dir, 'file-not-dir') });
    assert.deepEqual(r2, r);
  });
});

describe('entry encoding', () => {
  it('round-trips code with characters beyond Latin-1', () => {
    const cacheDir = path.join(fixtureDir({}), 'c');
    const src = 'exports.s = (x) => x === "\u00e9\u4e16\ud83d\ude00" ? "\u2028" : "\u00ff";\n';
    const opts = { instrument: true, format: 'commonjs' as const, cacheDir };
    const a = transformCached(src, '/x/\u00e9\u4e16.js', opts);
    const hits = cacheStats.hits;
    assert.deepEqual(transformCached(src, '/x/\u00e9\u4e16.js', opts), a);
    assert.equal(cacheStats.hits - hits, 1);
    const latin = 'exports.s = (x) => x === "\u00e9\u00ff" ? 1 : 2;\n';
    const b = transformCached(latin, '/x/l.js', opts);
    assert.deepEqual(transformCached(latin, '/x/l.js', opts), b);
  });
});

const DIST = path.dirname(fileURLToPath(import.meta.url));
const url = (p: string): string => JSON.stringify(pathToFileURL(p).href);

/** A result that cannot come from the transform (tells who produced an entry). */
function fake(tag: string): TransformResult {
  return { code: `/* ${tag} */`, edges: 0, compareSites: 0, literals: [tag], format: 'commonjs' };
}

describe('one transform per miss across processes', () => {
  it('two processes loading the same big file on a cold cache: one transform, both load', async () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => `exports.f${i} = (x) => x > ${i} ? ${i} : -1;`);
    const dir = fixtureDir({ 'big.cjs': lines.join('\n') + '\n', 'barrier/.keep': '' });
    // Both children register the loader, meet at a barrier, then import the file at once.
    fs.writeFileSync(path.join(dir, 'boot.mjs'), `
import fs from 'node:fs';
import { installCoverageRuntime } from ${url(path.join(DIST, '..', 'coverage', 'runtime.js'))};
import { registerLoader } from ${url(path.join(DIST, 'register.js'))};
import { offloadStats } from ${url(path.join(DIST, 'offload.js'))};
import { cacheStats } from ${url(path.join(DIST, 'cache.js'))};
const rt = installCoverageRuntime();
registerLoader({ instrument: true, cacheDir: process.argv[3] });
fs.writeFileSync('barrier/' + process.pid, '');
const nap = new Int32Array(new SharedArrayBuffer(4));
for (const until = Date.now() + 20000; fs.readdirSync('barrier').length < 3 && Date.now() < until; ) Atomics.wait(nap, 0, 0, 2);
const m = await import('./big.cjs');
console.log('RESULT ' + JSON.stringify({ value: m.default.f7(10), edges: rt.totalEdges, transformed: offloadStats.jobs, waited: cacheStats.waited }));
`);
    const cacheDir = path.join(dir, 'cache');
    const run = (): Promise<{ value: number; edges: number; transformed: number; waited: number }> =>
      new Promise((resolve, reject) => {
        const c = spawn(process.execPath, ['boot.mjs', './big.cjs', cacheDir], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' } });
        let out = '';
        let err = '';
        c.stdout.on('data', (d: Buffer) => (out += d));
        c.stderr.on('data', (d: Buffer) => (err += d));
        const timer = setTimeout(() => c.kill('SIGKILL'), 60_000);
        c.on('close', (code) => {
          clearTimeout(timer);
          const line = out.split('\n').find((l) => l.startsWith('RESULT '));
          if (line) resolve(JSON.parse(line.slice(7)));
          else reject(new Error(`child exited ${code}: ${out}${err}`));
        });
      });
    const [a, b] = await Promise.all([run(), run()]);
    assert.equal(a.value, 7);
    assert.equal(b.value, 7);
    assert.equal(a.edges, b.edges);
    assert.ok(a.edges >= 150_000, `${a.edges} edges`);
    assert.equal(a.transformed + b.transformed, 1, JSON.stringify([a, b]));
    const entries = fs.readdirSync(cacheDir).flatMap((sub) => fs.readdirSync(path.join(cacheDir, sub)));
    assert.deepEqual(entries.filter((f) => !/^[0-9a-f]{64}$/.test(f)), []); // no lock or temporary file left
  });

  function freshSlot(): CacheSlot {
    return { dir: path.join(fixtureDir({}), 'c'), key: 'ab'.repeat(32) };
  }
  function writeLock(slot: CacheSlot, info: object): string {
    const lock = entryPath(slot.dir, slot.key) + '.lock';
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    fs.writeFileSync(lock, JSON.stringify(info));
    return lock;
  }
  const fast = { maxWaitMs: 20_000, staleMs: 60_000, pollMs: 5 };

  it('waits for a live owner and reads the entry it stores', async () => {
    const slot = freshSlot();
    const lock = writeLock(slot, { pid: process.pid, host: os.hostname(), time: Date.now(), token: 'other-thread' });
    // The "owner" is a thread of this process: it stores the entry, then releases the lock.
    const w = new Worker(
      `(async () => {
         const { writeEntry } = await import(${url(path.join(DIST, 'cache.js'))});
         const { workerData: d } = require('node:worker_threads');
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
         writeEntry(d.dir, d.key, d.result);
         require('node:fs').rmSync(d.lock);
       })();`,
      { eval: true, workerData: { dir: slot.dir, key: slot.key, lock, result: fake('owner') } },
    );
    const exited = new Promise((resolve) => w.on('exit', resolve));
    await new Promise((resolve) => w.on('online', resolve));
    const waited = cacheStats.waited;
    let made = 0;
    const r = readOrMake(slot, () => (made++, fake('waiter')), fast);
    await exited;
    assert.equal(made, 0);
    assert.deepEqual(r.literals, ['owner']);
    assert.equal(cacheStats.waited - waited, 1);
  });

  it('takes over the lock of a process that died', () => {
    const slot = freshSlot();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const lock = writeLock(slot, { pid: dead, host: os.hostname(), time: Date.now(), token: 'dead' });
    const t = Date.now();
    const r = readOrMake(slot, () => (writeEntry(slot.dir, slot.key, fake('taker')), fake('taker')), fast);
    assert.deepEqual(r.literals, ['taker']);
    assert.ok(Date.now() - t < 5_000);
    assert.equal(fs.existsSync(lock), false); // released after the take-over
  });

  it('takes over a stale lock, and an empty one', () => {
    const stale = freshSlot();
    writeLock(stale, { pid: process.pid, host: 'elsewhere', time: Date.now() - 600_000, token: 'old' });
    assert.deepEqual(readOrMake(stale, () => fake('taker'), fast).literals, ['taker']);
    const empty = freshSlot();
    const lock = writeLock(empty, {});
    fs.writeFileSync(lock, ''); // created, never written, long ago
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);
    assert.deepEqual(readOrMake(empty, () => fake('taker'), fast).literals, ['taker']);
  });

  it('waits no longer than the bound for a live owner, then transforms itself', () => {
    const slot = freshSlot();
    const lock = writeLock(slot, { pid: process.pid, host: os.hostname(), time: Date.now(), token: 'stuck' });
    const t = Date.now();
    const r = readOrMake(slot, () => fake('impatient'), { ...fast, maxWaitMs: 200 });
    const took = Date.now() - t;
    assert.deepEqual(r.literals, ['impatient']);
    assert.ok(took >= 200 && took < 5_000, `${took} ms`);
    assert.equal(fs.existsSync(lock), true); // someone else's lock is left alone
  });

  it('transforms without coordination when no lock can be created', () => {
    const dir = fixtureDir({ 'file-not-dir': 'x' });
    const r = readOrMake({ dir: path.join(dir, 'file-not-dir'), key: 'cd'.repeat(32) }, () => fake('alone'), fast);
    assert.deepEqual(r.literals, ['alone']);
  });
});
