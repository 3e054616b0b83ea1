// Story: a bug behind 12 nested byte-by-byte comparisons, written as TypeScript, as an ES module
// and as CommonJS, is found with coverage guidance within a bounded execution count, and is not
// found in the same count without it. And fuzzing into a real parser installed in node_modules
// (TypeScript's), opted in with --include, grows coverage inside that parser.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { REPO, failureReports, fixture, runTsfuzz, show, summaryTargets, testdataFiles } from '../helpers/run.mjs';

// Measured with --seed=1 --parallel=1: found after 2.2M executions (2.2M–4.7M over seeds 1–6);
// each level is a 1-in-256 guess at one position, so random mutation alone needs ~2^96 tries.
const BUDGET = '--fuzztime=6000000x';

describe('twelve nested comparisons', { concurrency: 2 }, () => {
  for (const [format, sub] of [['TypeScript', 'ts'], ['ES module', 'esm'], ['CommonJS', 'cjs']]) {
    test(`${format}: found with coverage, not without, in ${BUDGET.slice(11)} executions`, async () => {
      const dir = path.join(fixture('deep12'), sub);
      fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
      fs.symlinkSync(REPO, path.join(dir, 'node_modules', 'tsfuzz'), 'dir');
      const blind = await runTsfuzz({ cwd: dir, args: ['fuzz', BUDGET, '--parallel=1', '--seed=1', '--no-coverage'] });
      assert.equal(blind.code, 0, show(blind));
      assert.deepEqual(testdataFiles(dir, 'Deep12'), []);

      const guided = await runTsfuzz({ cwd: dir, args: ['fuzz', BUDGET, '--parallel=1', '--seed=1'] });
      assert.equal(guided.code, 1, show(guided));
      const [rep] = failureReports(guided.stdout);
      assert.equal(rep?.headline, 'Error: twelve levels deep', show(guided));
      assert.equal(testdataFiles(dir, 'Deep12').length, 1, show(guided));
      assert.ok(summaryTargets(guided.stdout).Deep12.new >= 12, show(guided));
    });
  }
});

describe('a third-party parser in node_modules (TypeScript)', () => {
  test('--include instruments it and coverage grows inside it', async () => {
    const dir = fixture('thirdparty');
    fs.symlinkSync(path.join(REPO, 'node_modules', 'typescript'), path.join(dir, 'node_modules', 'typescript'), 'dir');
    const args = ['fuzz', '--fuzztime=3000x', '--parallel=1', '--seed=1', '--timeout=60s'];
    const own = await runTsfuzz({ cwd: dir, args });
    assert.equal(own.code, 0, show(own));
    const ownEdges = Number(/\((\d+)\/(\d+) edges covered\)/.exec(own.stderr)?.[2]);
    assert.ok(ownEdges > 0 && ownEdges < 50, `without --include only the fuzz file is instrumented\n${show(own)}`);

    const deep = await runTsfuzz({ cwd: dir, args: [...args, '--include=**/node_modules/typescript/lib/typescript.js'] });
    assert.equal(deep.code, 0, show(deep));
    const m = /\((\d+)\/(\d+) edges covered\)/.exec(deep.stderr);
    assert.ok(m && Number(m[2]) > 5000, `typescript.js's edges are instrumented\n${show(deep)}`);
    const t = summaryTargets(deep.stdout).ParseTypeScript;
    assert.ok(t.edges > Number(m[1]) && t.new > 10, `coverage grew beyond the baseline inside the parser\n${show(deep)}`);

    // Distilling that cache measures coverage as the run that filled it did (with the parser
    // instrumented), even without the flag: measured without it, every input would look redundant.
    const min = await runTsfuzz({ cwd: dir, args: ['corpus-min', '--timeout=60s'] });
    assert.equal(min.code, 0, show(min));
    assert.match(min.stderr, /instrumenting as the fuzz run that filled the cache did: --include=\*\*\/node_modules\/typescript\/lib\/typescript\.js/, show(min));
    const d = /^ParseTypeScript: (\d+) → (\d+) cached inputs/m.exec(min.stdout);
    assert.ok(d && Number(d[2]) >= 10, `the inputs that reached the parser are kept\n${show(min)}`);
  });
});
