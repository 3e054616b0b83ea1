// Story: `tsfuzz test` is the CI gate. It passes on the seeds, fails on every planted testdata
// input, groups inputs that fail the same way into one report, and `--run` selects targets and
// inputs (a pattern matching nothing is a usage error of one line); testdata that no target owns
// any more (a renamed target) is named in a warning.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { failureReports, fixture, plant, rerunArgs, runTsfuzz, show } from '../helpers/run.mjs';

const HIGH_A = { bytes: '\xf6ell' }; // RangeError: first byte too large
const HIGH_B = { bytes: '\xfaxyz' }; // the same failure, another input
const ZERO_AT_3 = { bytes: 'abc\x00e' }; // ParseStrict only: TypeError at another place

describe('tsfuzz test (regression mode)', { concurrency: 2 }, () => {
  test('passes on the seeds', async () => {
    const dir = fixture('regression');
    const r = await runTsfuzz({ cwd: dir, args: ['test'] });
    assert.equal(r.code, 0, show(r));
    assert.doesNotMatch(r.stdout, /--- FAIL/, show(r));
    assert.match(r.stdout, /^ok {2}3 targets, 4 inputs: 4 passed, 0 failed \(0 distinct failures\)/m, show(r));
  });

  test('fails on planted inputs, one report per distinct failure listing the others', async () => {
    const dir = fixture('regression');
    const a = plant({ dir, target: 'Parse', values: [HIGH_A] });
    const b = plant({ dir, target: 'Parse', values: [HIGH_B] });
    const z = plant({ dir, target: 'ParseStrict', values: [ZERO_AT_3] });
    const r = await runTsfuzz({ cwd: dir, args: ['test'] });
    assert.equal(r.code, 1, show(r));
    const reports = failureReports(r.stdout);
    assert.equal(reports.length, 2, show(r));

    const parse = reports.find((x) => x.target === 'Parse');
    assert.ok(parse, show(r));
    assert.equal(parse.kind, 'throw');
    assert.match(parse.headline, /^RangeError: first byte 2\d\d is too large$/);
    assert.match(parse.text, /at parse \(parse\.ts:4:11\)/, show(r));
    const [first, other] = parse.source === a ? [a, b] : [b, a];
    assert.equal(parse.source, first, show(r));
    assert.match(parse.text, new RegExp(`also fails the same way: Parse/${other}\\b`), show(r));
    assert.equal(parse.rerun, `npx tsfuzz test parse.fuzz.ts --run=Parse/${first}`);

    const strict = reports.find((x) => x.target === 'ParseStrict');
    assert.ok(strict, show(r));
    assert.equal(strict.source, z);
    assert.equal(strict.headline, 'TypeError: a zero byte at offset 3');
    assert.doesNotMatch(strict.text, /also fails/, show(r));

    assert.match(r.stdout, /^FAIL {2}3 targets, 7 inputs: 4 passed, 3 failed \(2 distinct failures\)/m, show(r));
  });

  test('--run selects targets by pattern, and Target/ID selects inputs', async () => {
    const dir = fixture('regression');
    const a = plant({ dir, target: 'Parse', values: [HIGH_A] });
    plant({ dir, target: 'Parse', values: [HIGH_B] });
    plant({ dir, target: 'ParseStrict', values: [ZERO_AT_3] });

    const onlyParse = await runTsfuzz({ cwd: dir, args: ['test', '--run=^Parse$'] });
    assert.equal(onlyParse.code, 1, show(onlyParse));
    assert.deepEqual(failureReports(onlyParse.stdout).map((x) => x.target), ['Parse'], show(onlyParse));
    assert.match(onlyParse.stdout, /^FAIL {2}1 target, 4 inputs: 2 passed, 2 failed \(1 distinct failure\)/m, show(onlyParse));

    const oneInput = await runTsfuzz({ cwd: dir, args: ['test', `--run=^Parse$/${a}`] });
    assert.equal(oneInput.code, 1, show(oneInput));
    const reps = failureReports(oneInput.stdout);
    assert.deepEqual(reps.map((x) => `${x.target}/${x.source}`), [`Parse/${a}`], show(oneInput));
    assert.doesNotMatch(oneInput.stdout, /also fails/, show(oneInput));
    assert.match(oneInput.stdout, /^FAIL {2}1 target, 1 input: 0 passed, 1 failed/m, show(oneInput));

    const seed = await runTsfuzz({ cwd: dir, args: ['test', '--run=^Parse$/^seed#1$'] });
    assert.equal(seed.code, 0, show(seed));
    assert.match(seed.stdout, /^ok {2}1 target, 1 input: 1 passed, 0 failed/m, show(seed));

    const text = await runTsfuzz({ cwd: dir, args: ['test', '--run=Tex'] });
    assert.equal(text.code, 0, show(text));
    assert.match(text.stdout, /^ok {2}1 target, 1 input: 1 passed/m, show(text));

    const byPath = await runTsfuzz({ cwd: dir, args: ['test', 'text.fuzz.ts'] });
    assert.equal(byPath.code, 0, show(byPath));
    assert.match(byPath.stdout, /^ok {2}1 target, 1 input: 1 passed/m, show(byPath));
  });

  test('--run matching no target or no input is a usage error of one line', async () => {
    const dir = fixture('regression');
    const none = await runTsfuzz({ cwd: dir, args: ['test', '--run=Nope'] });
    assert.equal(none.code, 2, show(none));
    assert.equal(none.stdout, '', show(none));
    assert.equal(none.stderr.trimEnd().split('\n').length, 1, show(none));
    assert.match(none.stderr, /^tsfuzz: .*--run=Nope.*Parse, ParseStrict, Text/, show(none));

    const noInput = await runTsfuzz({ cwd: dir, args: ['test', '--run=Parse/0000000000000000'] });
    assert.equal(noInput.code, 2, show(noInput));
    assert.equal(noInput.stderr.trimEnd().split('\n').length, 1, show(noInput));
    assert.match(noInput.stderr, /^tsfuzz: .*--run/, show(noInput));

    const badRegex = await runTsfuzz({ cwd: dir, args: ['test', '--run=(('] });
    assert.equal(badRegex.code, 2, show(badRegex));
    assert.equal(badRegex.stderr.trimEnd().split('\n').length, 1, show(badRegex));
    assert.match(badRegex.stderr, /^tsfuzz: --run=\(\(: not a valid regular expression/, show(badRegex));
  });

  // The printed re-run command must select exactly the input it names, even when another target's
  // name starts with this one's and holds a file with the same content (hence the same id).
  test('the printed re-run command runs exactly the one input it names', async () => {
    const dir = fixture('regression');
    const id = plant({ dir, target: 'Parse', values: [HIGH_A] });
    assert.equal(plant({ dir, target: 'ParseStrict', values: [HIGH_A] }), id);
    const r = await runTsfuzz({ cwd: dir, args: ['test', '--run=^Parse$'] });
    assert.equal(r.code, 1, show(r));
    const [rep] = failureReports(r.stdout);
    assert.equal(`${rep.target}/${rep.source}`, `Parse/${id}`, show(r));
    const again = await runTsfuzz({ cwd: dir, args: rerunArgs(rep.rerun) });
    assert.equal(again.code, 1, show(again));
    assert.deepEqual(failureReports(again.stdout).map((x) => `${x.target}/${x.source}`), [`Parse/${id}`], `${rep.rerun}\n${show(again)}`);
    assert.match(again.stdout, /^FAIL {2}1 target, 1 input: 0 passed, 1 failed/m, show(again));
  });
});

describe('errors that wrap others', () => {
  test("a report shows an error's cause chain and an AggregateError's errors, with their stacks", async () => {
    const dir = fixture('cause');
    const r = await runTsfuzz({ cwd: dir, args: ['test', 'cause.fuzz.ts'] });
    assert.equal(r.code, 1, show(r));
    const reports = failureReports(r.stdout);
    const outer = reports.find((x) => x.source === 'seed#0');
    assert.equal(outer?.headline, 'Error: outer', show(r));
    assert.match(outer.text, /^ {4}\[cause\] RangeError: inner 5\n {8}at inner \(cause\.fuzz\.ts:4:\d+\)$/m, show(r));
    const many = reports.find((x) => x.source === 'seed#1');
    assert.equal(many?.headline, 'AggregateError: many', show(r));
    assert.match(many.text, /^ {4}\[error 1 of 2\] TypeError: a$/m, show(r));
    assert.match(many.text, /^ {4}\[error 2 of 2\] 'b'$/m, show(r));
  });

  test('testdata of a target that no longer exists (renamed) is named in a warning, not silently skipped', async () => {
    const dir = fixture('regression');
    plant({ dir, target: 'OldParse', values: [HIGH_A] });
    plant({ dir, target: 'OldParse', values: [HIGH_B] });
    const r = await runTsfuzz({ cwd: dir, args: ['test'] });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stderr, /^tsfuzz: warning: testdata\/fuzz\/OldParse\/ holds 2 inputs that no target runs: no fuzz target in \. is named OldParse \(renamed\?\); rename the folder after the target, or delete it$/m, show(r));
    assert.equal(r.stderr.match(/warning/g)?.length, 1, show(r));
    // Renamed back, its inputs run (and fail) again.
    fs.renameSync(path.join(dir, 'testdata', 'fuzz', 'OldParse'), path.join(dir, 'testdata', 'fuzz', 'Parse'));
    const again = await runTsfuzz({ cwd: dir, args: ['test'] });
    assert.equal(again.code, 1, show(again));
    assert.doesNotMatch(again.stderr, /warning/, show(again));
    // With only some of the folder's fuzz files selected, or a --run filter, the others' targets
    // are unknown: no warning.
    plant({ dir, target: 'Text', values: [{ string: 'ok' }] });
    fs.renameSync(path.join(dir, 'testdata', 'fuzz', 'Parse'), path.join(dir, 'testdata', 'fuzz', 'OldParse'));
    const one = await runTsfuzz({ cwd: dir, args: ['test', 'text.fuzz.ts'] });
    assert.equal(one.code, 0, show(one));
    assert.doesNotMatch(one.stderr, /warning/, show(one));
    const filtered = await runTsfuzz({ cwd: dir, args: ['test', '--run=Text'] });
    assert.equal(filtered.code, 0, show(filtered));
    assert.doesNotMatch(filtered.stderr, /warning/, show(filtered));
  });
});
