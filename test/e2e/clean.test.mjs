// Story: `tsfuzz clean` forgets what fuzzing learned (the corpus cache and the instrumentation
// cache), and nothing else: a TSFUZZ_CACHE that points at a folder holding other files keeps them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { fixture, runTsfuzz, show } from '../helpers/run.mjs';

async function fuzzOnce(dir, cache) {
  const r = await runTsfuzz({ cwd: dir, args: ['fuzz', 'letters.fuzz.ts', '--fuzztime=200x', '--parallel=1', '--seed=1'], env: { TSFUZZ_CACHE: cache } });
  assert.equal(r.code, 0, show(r));
  const entries = fs.readdirSync(cache);
  assert.ok(entries.includes('instrument'), `instrumentation cache made: ${entries}`);
  assert.ok(entries.some((e) => /^letters\.fuzz\.ts_Letters-[0-9a-f]{12}$/.test(e)), `target cache made: ${entries}`);
}

describe('tsfuzz clean', { concurrency: 2 }, () => {
  test('removes the cache folder tsfuzz made', async () => {
    const dir = fixture('shrink-new');
    const cache = path.join(dir, '.cache');
    await fuzzOnce(dir, cache);
    const r = await runTsfuzz({ cwd: dir, args: ['clean'], env: { TSFUZZ_CACHE: cache } });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stderr, /^tsfuzz: removed the cache at \.cache \(2 entries\)$/m, show(r));
    assert.ok(!fs.existsSync(cache), 'the cache folder is gone');
    const again = await runTsfuzz({ cwd: dir, args: ['clean'], env: { TSFUZZ_CACHE: cache } });
    assert.equal(again.code, 0, show(again));
    assert.match(again.stderr, /no cache at \.cache: nothing to remove/, show(again));
  });

  test('keeps what it did not make, even when TSFUZZ_CACHE names the project itself', async () => {
    const dir = fixture('shrink-new');
    await fuzzOnce(dir, dir);
    // A folder of the project that looks like one of tsfuzz's by name, but holds other things.
    fs.mkdirSync(path.join(dir, 'instrument2'));
    fs.renameSync(path.join(dir, 'instrument'), path.join(dir, 'instrument2', 'cache'));
    fs.mkdirSync(path.join(dir, 'instrument'));
    fs.writeFileSync(path.join(dir, 'instrument', 'notes.txt'), 'mine');
    const r = await runTsfuzz({ cwd: dir, args: ['clean'], env: { TSFUZZ_CACHE: '.' } });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stderr, /removed the cache at \. \(1 entry\); kept \d+ other entries there, which tsfuzz did not make/, show(r));
    assert.ok(fs.existsSync(path.join(dir, 'letters.fuzz.ts')), 'the fuzz file is still there');
    assert.ok(fs.existsSync(path.join(dir, 'node_modules', 'tsfuzz')), 'node_modules is still there');
    assert.ok(fs.existsSync(path.join(dir, 'instrument', 'notes.txt')), "the project's own instrument/ folder is still there");
    assert.deepEqual(fs.readdirSync(dir).filter((e) => /-[0-9a-f]{12}$/.test(e)), []);
  });
});
