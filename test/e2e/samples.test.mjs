// Story: `--corpus=DIR` seeds the targets that take one bytes or string argument with a folder of
// raw sample files (documents, images, captures), so bugs behind their structure are found at
// once; a string target is told which samples were not valid UTF-8 (it gets them with U+FFFD).
// Runs use --no-coverage, so only the samples can find these bugs within the budget.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { failureReports, fixture, rerunArgs, runTsfuzz, show } from '../helpers/run.mjs';

const RUN = ['fuzz', 'samples.fuzz.ts', '--fuzztime=500x', '--keep-going', '--seed=1', '--parallel=1', '--no-coverage'];

describe('--corpus (raw sample files)', { concurrency: 2 }, () => {
  test('without samples, the magic-prefix bugs are not found within the budget', async () => {
    const dir = fixture('samples');
    const r = await runTsfuzz({ cwd: dir, args: RUN });
    assert.equal(r.code, 0, show(r));
    assert.equal(failureReports(r.stdout).length, 0, show(r));
  });

  test('samples seed bytes and string targets; invalid UTF-8 is named for the string target', async () => {
    const dir = fixture('samples');
    const r = await runTsfuzz({ cwd: dir, args: [...RUN, '--corpus=samples'] });
    assert.equal(r.code, 1, show(r));
    const reports = failureReports(r.stdout);
    assert.deepEqual(reports.map((x) => x.target).sort(), ['Bin', 'Doc'], show(r));
    const notes = r.stderr.split('\n').filter((l) => /not valid UTF-8/.test(l));
    assert.deepEqual(notes, [
      'fuzz: note: 1 of 2 files in --corpus=samples are not valid UTF-8 (samples/image.bin); Doc takes a string, so it gets them with U+FFFD in place of the invalid bytes',
    ], show(r));
    // What was written reproduces each failure.
    for (const rep of reports) {
      assert.match(rep.writtenTo ?? '', new RegExp(`^testdata/fuzz/${rep.target}/[0-9a-f]{16}$`), show(r));
      const again = await runTsfuzz({ cwd: dir, args: rerunArgs(rep.rerun) });
      assert.equal(again.code, 1, show(again));
      assert.match(again.stdout, rep.target === 'Doc' ? /Error: magic document/ : /Error: magic binary/, show(again));
    }
  });
});
