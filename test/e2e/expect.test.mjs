// Story: f.expect(...) declares errors that are not failures. A parser that throws SyntaxError on
// most inputs is fuzzed for its other errors only; the predicate and message forms suppress
// exactly what they name and nothing more — in regression runs and while fuzzing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeCorpus, failureReports, fixture, plant, readTestdata, runTsfuzz, show, testdataFiles } from '../helpers/run.mjs';

const BUGS = {
  ExpectClass: /^TypeError: unexpected byte 2\d\d$/,
  ExpectPredicate: /^RangeError: hard: 2\d\d$/,
  ExpectMessage: /^Error: unexpected: 2\d\d$/,
};
const SUPPRESSED = /SyntaxError|soft:|(?<!un)expected: /;

describe('expected errors', { concurrency: 2 }, () => {
  test('tsfuzz test: the seeds (expected errors) pass, the planted inputs (other errors) fail', async () => {
    const dir = fixture('expect');
    const seedsOnly = await runTsfuzz({ cwd: dir, args: ['test'] });
    assert.equal(seedsOnly.code, 0, show(seedsOnly));
    assert.match(seedsOnly.stdout, /^ok {2}3 targets, 3 inputs: 3 passed, 0 failed/m, show(seedsOnly));

    const ids = {};
    for (const target of Object.keys(BUGS)) {
      ids[target] = plant({ dir, target, values: [{ bytes: '\xf0bug' }] });
      plant({ dir, target, values: [{ bytes: 'fine' }] }); // throws the expected error: passes
    }
    const r = await runTsfuzz({ cwd: dir, args: ['test'] });
    assert.equal(r.code, 1, show(r));
    const reports = failureReports(r.stdout);
    assert.deepEqual(reports.map((x) => `${x.target}/${x.source}`).sort(), Object.entries(ids).map(([t, id]) => `${t}/${id}`).sort(), show(r));
    for (const rep of reports) assert.match(rep.headline, BUGS[rep.target], show(r));
    assert.doesNotMatch(r.stdout, SUPPRESSED, show(r));
    assert.match(r.stdout, /^FAIL {2}3 targets, 9 inputs: 6 passed, 3 failed \(3 distinct failures\)/m, show(r));
  });

  test('tsfuzz fuzz --keep-going: only the unexpected error of each target is found', async () => {
    const dir = fixture('expect');
    const r = await runTsfuzz({
      cwd: dir,
      args: ['fuzz', '--fuzz=^Expect', '--keep-going', '--fuzztime=6000x', '--parallel=1', '--seed=1'],
    });
    assert.equal(r.code, 1, show(r));
    const reports = failureReports(r.stdout);
    assert.deepEqual(reports.map((x) => x.target).sort(), Object.keys(BUGS).sort(), show(r));
    for (const rep of reports) assert.match(rep.headline, BUGS[rep.target], show(r));
    assert.doesNotMatch(r.stdout, SUPPRESSED, show(r));
    assert.match(r.stdout, /^3 distinct failures/m, show(r));
    for (const target of Object.keys(BUGS)) {
      const files = testdataFiles(dir, target);
      assert.equal(files.length, 1, `${target}\n${show(r)}`);
      assert.ok(decodeCorpus(readTestdata(dir, target, files[0]))[0].value[0] > 200);
    }
  });

  test('an f.expect predicate that throws: the report says so', async () => {
    const dir = fixture('expect-throws');
    const id = plant({ dir, target: 'BrokenPredicate', values: [{ bytes: '\xf0bug' }] });
    const r = await runTsfuzz({ cwd: dir, args: ['test'] });
    assert.equal(r.code, 1, show(r));
    const reports = failureReports(r.stdout);
    assert.deepEqual(reports.map((x) => x.source), [id], show(r));
    assert.match(reports[0].headline, /^Error: plain 240$/, show(r));
    assert.match(reports[0].text, /^\s+\(an f\.expect predicate threw on it, so it counts as unexpected: TypeError: Cannot read properties of undefined \(reading 'code'\)\)$/m, show(r));
  });
});
