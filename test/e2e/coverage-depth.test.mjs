// Story: a bug behind 12 nested byte-by-byte comparisons, written as TypeScript, as an ES module
// and as CommonJS, is found with coverage guidance within a bounded execution count, and is not
// found in the same count without it.
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
