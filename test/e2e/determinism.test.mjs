// Story: with --seed, --parallel=1 and an Nx budget a run is reproducible: two runs in two fresh
// copies of a project (fresh caches) write the same files, cache the same inputs and count the
// same executions, failures and coverage.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { fixture, jsonLines, listFilesDeep, runTsfuzz, show, testdataFiles } from '../helpers/run.mjs';

const ARGS = ['fuzz', '--keep-going', '--fuzztime=60000x', '--parallel=1', '--seed=42', '--json'];

async function once() {
  const dir = fixture('determinism');
  const r = await runTsfuzz({ cwd: dir, args: ARGS });
  assert.equal(r.code, 1, show(r));
  const summary = jsonLines(r.stdout).find((e) => e.event === 'summary');
  assert.ok(summary, show(r));
  const result = {
    execs: summary.execs,
    targets: summary.targets,
    failures: summary.failures.map((f) => ({ ...f, writtenTo: path.relative(dir, f.writtenTo) })),
    testdata: { Layers: testdataFiles(dir, 'Layers'), Bugs: testdataFiles(dir, 'Bugs') },
    cache: listFilesDeep(path.join(dir, '.cache'), ['instrument']),
  };
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

test('the same seed, one worker and an Nx budget give the same run twice', async () => {
  const [a, b] = await Promise.all([once(), once()]);
  // The run did something worth comparing: several failures written, inputs cached.
  // The whole budget but for the few executions kept in reserve for re-running failures.
  assert.ok(a.execs <= 60000 && a.execs >= 59900, String(a.execs));
  assert.ok(a.failures.length >= 2, JSON.stringify(a.failures));
  assert.ok(a.testdata.Bugs.length >= 2, JSON.stringify(a.testdata));
  assert.ok(a.cache.length >= 2, JSON.stringify(a.cache));
  assert.ok(a.targets.every((t) => t.execs > 0), JSON.stringify(a.targets));

  assert.deepEqual(b.testdata, a.testdata, 'the same files written');
  assert.equal(b.execs, a.execs, 'the same executions');
  assert.deepEqual(b.targets, a.targets, 'the same executions, corpus and edges per target');
  assert.deepEqual(b.failures, a.failures, 'the same failures, counts and files');
  assert.deepEqual(b.cache, a.cache, 'the same inputs cached');
});
