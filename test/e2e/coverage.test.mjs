// Story: coverage guidance is what finds deep bugs. A bug behind six nested byte comparisons (in
// TypeScript) is found with coverage within a fixed execution count and not without it; the
// inputs that reached new coverage go to the cache and the next run starts from them. ES module
// (.mjs) and CommonJS (.cjs) code is instrumented too.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import {
  decodeCorpus, failureReports, fixture, listFilesDeep, readTestdata, runTsfuzz, show, summaryExecs, summaryTargets,
  testdataFiles,
} from '../helpers/run.mjs';

// Measured (compare tracing on, as by default): found after 1,799 / 263 / 48,903 executions with
// --seed=1/2/3; without coverage the chance of reaching it is about 2^-48 per input.
const DEEP_BUDGET = '--fuzztime=5000000x';

describe('coverage guidance', { concurrency: 2 }, () => {
  test('finds a bug behind nested comparisons in TypeScript, and says how many edges it covered', async () => {
    const dir = fixture('coverage');
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', DEEP_BUDGET, '--parallel=1', '--seed=1'] });
    assert.equal(r.code, 1, show(r));
    const [rep] = failureReports(r.stdout);
    assert.equal(rep?.headline, 'Error: found the deep bug', show(r));
    assert.match(rep.text, /at check \(deep\.ts:12:\d+\)/, show(r));
    const [id] = testdataFiles(dir, 'Deep');
    const bytes = decodeCorpus(readTestdata(dir, 'Deep', id))[0].value;
    assert.equal(Buffer.from(bytes.subarray(0, 6)).toString('latin1'), 'FUZZBU');
    assert.ok(summaryExecs(r.stdout) < 5_000_000, show(r));
    assert.match(r.stderr, /now fuzzing with 1 worker \(\d+\/\d+ edges covered\)/, show(r));
    const t = summaryTargets(r.stdout).Deep;
    assert.ok(t && t.edges > 0 && t.new > 0, show(r));
  });

  test('does not find it without coverage in the same number of executions', async () => {
    const dir = fixture('coverage');
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', DEEP_BUDGET, '--parallel=1', '--seed=1', '--no-coverage'] });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^ok {2}fuzzed 1 target: 5000000 execs/m, show(r));
    assert.deepEqual(testdataFiles(dir, 'Deep'), []);
    assert.doesNotMatch(r.stdout + r.stderr, /edges/, show(r));
    assert.deepEqual(summaryTargets(r.stdout).Deep, { execs: 5_000_000, corpus: 1, new: 0, edges: undefined }, show(r));
  });

  test('the next run starts from the inputs the last one cached', async () => {
    const dir = fixture('coverage');
    // Without compare tracing, so that the first run stays short of the bug (input-to-state
    // solves this fixture's comparisons within ~2,000 executions).
    const first = await runTsfuzz({ cwd: dir, args: ['fuzz', '--fuzztime=20000x', '--parallel=1', '--seed=1', '--no-cmp-trace'] });
    assert.equal(first.code, 0, show(first));
    const t1 = summaryTargets(first.stdout).Deep;
    assert.ok(t1 && t1.new > 0 && t1.corpus === t1.new + 1, show(first));
    assert.match(first.stderr, /gathering baseline coverage: 1\/1 completed/, show(first));

    // (dot files beside the inputs are bookkeeping: the run's --include/--exclude)
    const cached = listFilesDeep(path.join(dir, '.cache'), ['instrument']).filter((f) => !path.basename(f).startsWith('.'));
    assert.equal(cached.length, t1.new, `cache files: ${cached.join(', ')}`);
    for (const f of cached) assert.ok(fs.readFileSync(path.join(dir, '.cache', f), 'utf8').startsWith('tsfuzz corpus v1\n'), f);

    const second = await runTsfuzz({ cwd: dir, args: ['fuzz', '--fuzztime=1000x', '--parallel=1', '--seed=2', '--no-cmp-trace'] });
    assert.equal(second.code, 0, show(second));
    const baseline = /gathering baseline coverage: (\d+)\/(\d+) completed.*\((\d+)\/\d+ edges covered\)/.exec(second.stderr);
    assert.ok(baseline, show(second));
    assert.equal(Number(baseline[2]), t1.corpus, `the second run's baseline holds the seed and the cached inputs\n${show(second)}`);
    const firstEdges = Number(/\((\d+)\/\d+ edges covered\)/.exec(first.stderr)[1]);
    assert.ok(Number(baseline[3]) > firstEdges, 'the second run starts with more coverage than the first did');
    assert.ok(summaryTargets(second.stdout).Deep.corpus >= t1.corpus, show(second));
  });

  for (const { name, target, headline, lib } of [
    { name: 'coverage-esm', target: 'SmallEsm', headline: 'Error: found the esm bug', lib: /at check \(lib\.mjs:5:\d+\)/ },
    { name: 'coverage-cjs', target: 'SmallCjs', headline: 'Error: found the cjs bug', lib: /at check \(lib\.cjs:5:\d+\)/ },
  ]) {
    test(`instruments ${name === 'coverage-esm' ? 'ES modules (.mjs)' : 'CommonJS (.cjs, require("tsfuzz"))'}`, async () => {
      const dir = fixture(name);
      const r = await runTsfuzz({ cwd: dir, args: ['fuzz', '--fuzztime=1000000x', '--parallel=1', '--seed=1'] });
      assert.equal(r.code, 1, show(r));
      const [rep] = failureReports(r.stdout);
      assert.equal(rep?.target, target, show(r));
      assert.equal(rep.headline, headline, show(r));
      assert.match(rep.text, lib, show(r));
      assert.ok(summaryTargets(r.stdout)[target].new > 0, `coverage found new inputs\n${show(r)}`);
      assert.equal(testdataFiles(dir, target).length, 1);
      const again = await runTsfuzz({ cwd: dir, args: ['test'] });
      assert.equal(again.code, 1, show(again));
      assert.equal(failureReports(again.stdout)[0]?.headline, headline, show(again));
    });
  }
});

describe('coverage of loading', () => {
  // The baseline covers what the seed runs; counters hit while the modules loaded are not part of it.
  test('branches run only while a module loads are not coverage of the first input', async () => {
    const covered = async (sub) => {
      const dir = fixture('load-counters');
      const r = await runTsfuzz({ cwd: path.join(dir, sub), args: ['fuzz', '--fuzztime=1x', '--parallel=1', '--seed=1'] });
      assert.equal(r.code, 0, show(r));
      const t = summaryTargets(r.stdout).Check;
      assert.ok(t && t.edges !== undefined, show(r));
      return { edges: t.edges, r };
    };
    const plain = await covered('plain');
    const busy = await covered('busy');
    assert.ok(plain.edges > 0, show(plain.r));
    assert.equal(busy.edges, plain.edges, `load-time branches counted as coverage\n${show(busy.r)}`);
  });
});

describe('--include', () => {
  // A pattern that matches nothing loaded leaves the dependency uninstrumented; the run says so.
  test('a pattern matching no loaded file is reported once the run ends; one that matches is not', async () => {
    const dir = fixture('shrink-new');
    const args = ['fuzz', 'letters.fuzz.ts', '--fuzztime=200x', '--parallel=1', '--seed=1'];
    const typo = await runTsfuzz({ cwd: dir, args: [...args, '--include=**/node_modules/no-such-parser/**', '--include=**/letters.fuzz.ts'] });
    assert.equal(typo.code, 0, show(typo));
    const warnings = typo.stderr.split('\n').filter((l) => /warning/.test(l));
    assert.deepEqual(warnings, [
      "fuzz: warning: --include=**/node_modules/no-such-parser/** matched no file the fuzz targets loaded; check the pattern (e.g. --include='**/node_modules/my-parser/**')",
    ], show(typo));
  });
});
