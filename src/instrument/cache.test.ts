/**
 * Tests of the on-disk transform cache (cache.ts): hit on the second transform, keys that change
 * with content/options/file name, corrupt or truncated entries ignored and rebuilt, no cache dir.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cacheKey, cacheStats, entryPath } from './cache.js';
import { transformCached } from './transform-cached.js';
import { fixtureDir } from './testutil.js';

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
