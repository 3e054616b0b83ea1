// Story: like Go, each new interesting input is minimized before it enters the corpus (keeping the
// coverage that made it new), so the cache holds small inputs; --minimize-time=0 keeps them as found.
// test/fixtures/shrink-new: each letter A–H anywhere in the input is new coverage; the seed is
// 1 KB of digits, so what first reaches a letter is about 1 KB that a single byte would do.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { cacheDirOf, decodeCorpus, fixture, runTsfuzz, show, summaryTargets } from '../helpers/run.mjs';

const FILE = 'letters.fuzz.ts';

/** Sizes of the inputs a run cached for Letters. */
function cachedSizes(dir) {
  const d = cacheDirOf(dir, FILE, 'Letters');
  return fs.readdirSync(d, { withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => decodeCorpus(fs.readFileSync(path.join(d, e.name), 'utf8'))[0].value.length);
}

async function run(extra) {
  const dir = fixture('shrink-new');
  const calls = path.join(dir, 'calls');
  // No compare tracing: input-to-state would insert the letters into short inputs by itself.
  const r = await runTsfuzz({
    cwd: dir, args: ['fuzz', FILE, '--fuzztime=20000x', '--parallel=1', '--seed=1', '--no-cmp-trace', ...extra], env: { LETTERS_CALLS: calls },
  });
  assert.equal(r.code, 0, show(r));
  const s = summaryTargets(r.stdout).Letters;
  assert.ok(s.new >= 3, `at least three letters found\n${show(r)}`);
  // Every call of the target is an execution the run counts, minimization candidates included;
  // --fuzztime=Nx bounds them all.
  assert.equal(fs.statSync(calls).size, s.execs, `calls of the target vs executions reported\n${show(r)}`);
  assert.equal(s.execs, 20000, show(r));
  return { r, sizes: cachedSizes(dir) };
}

describe('new interesting inputs', { concurrency: 2 }, () => {
  test('are minimized before they enter the corpus', async () => {
    const { r, sizes } = await run([]);
    assert.ok(sizes.length >= 3, show(r));
    // Each keeps only what its new branch needs: a letter (and little else).
    for (const n of sizes) assert.ok(n <= 8, `a cached input of ${n} bytes: ${sizes}\n${show(r)}`);
  });

  test('stay as found with --minimize-time=0', async () => {
    const { r, sizes } = await run(['--minimize-time=0']);
    assert.ok(sizes.some((n) => n >= 500), `expected inputs near the seed's 1 KB: ${sizes}\n${show(r)}`);
  });
});
