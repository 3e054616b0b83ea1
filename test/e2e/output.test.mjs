// Story: what targets print is not streamed while fuzzing (it would drown the progress and cost
// time); the report of a failing input shows that input's output and its t.log lines.
// --stream-output shows everything live instead.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeCorpus, failureReports, fixture, plant, readTestdata, runTsfuzz, show, testdataFiles } from '../helpers/run.mjs';

const FUZZ = ['fuzz', '--fuzztime=20000x', '--parallel=1', '--seed=1', '--no-cmp-trace']; // without input-to-state, so that many inputs run before the bug
const NOISE = /noisy-std(out|err)/;

/** The output section of the only report: its lines, and the failing input written. */
function reportOutput(r, dir) {
  const reports = failureReports(r.stdout);
  assert.equal(reports.length, 1, show(r));
  const lines = (reports[0].output ?? '').split('\n');
  const [id] = testdataFiles(dir, 'Noisy');
  assert.ok(id, show(r));
  const input = decodeCorpus(readTestdata(dir, 'Noisy', id))[0].value;
  return { lines, first: input[0], len: input.length, report: reports[0] };
}

describe('target output', { concurrency: 2 }, () => {
  test('is not streamed while fuzzing; the failing input\'s output and t.log lines are in its report', async () => {
    const dir = fixture('output');
    const r = await runTsfuzz({ cwd: dir, args: FUZZ });
    assert.equal(r.code, 1, show(r));
    assert.doesNotMatch(r.stderr, NOISE, `nothing streamed to stderr\n${show(r)}`);
    const { lines, first, len, report } = reportOutput(r, dir);
    assert.ok(first > 200, show(r));
    assert.deepEqual(
      [...lines].sort(),
      [`noisy-stderr first=${first}`, `noisy-stdout first=${first} len=${len}`, `t.log says first = ${first}`],
      `only the failing input's output\n${show(r)}`,
    );
    // Outside the report, stdout has no target output either.
    assert.doesNotMatch(r.stdout.replace(report.text, ''), NOISE, show(r));
  });

  test('tsfuzz test: the report holds everything the failing input printed, in order', async () => {
    const dir = fixture('output-order');
    const r = await runTsfuzz({ cwd: dir, args: ['test', 'lines.fuzz.ts'] });
    assert.equal(r.code, 1, show(r));
    const [rep] = failureReports(r.stdout);
    assert.deepEqual((rep?.output ?? '').split('\n'), [
      ...[0, 1, 2, 3, 4].map((i) => `input 2 line ${i}`), 't.log 2', 'stderr 2', 'write 2',
    ], show(r));
  });

  test('--stream-output shows the output of every input as it is written', async () => {
    const dir = fixture('output');
    const r = await runTsfuzz({ cwd: dir, args: [...FUZZ, '--stream-output'] });
    assert.equal(r.code, 1, show(r));
    const streamed = r.stderr.split('\n').filter((l) => /^noisy-stdout /.test(l));
    assert.ok(streamed.length >= 20, `many inputs' output streamed, got ${streamed.length}\n${show(r)}`);
    assert.ok(streamed.includes('noisy-stdout first=104 len=5'), 'the seed\'s output is streamed');
    assert.ok(r.stderr.split('\n').some((l) => /^noisy-stderr /.test(l)), 'stderr too');
    assert.doesNotMatch(r.stderr, /t\.log says/, 't.log lines are not output');
    const { lines, first } = reportOutput(r, dir);
    assert.ok(lines.includes(`t.log says first = ${first}`), show(r));
  });

  test('tsfuzz test: the failing input\'s output in its report; --stream-output streams all', async () => {
    const dir = fixture('output');
    const id = plant({ dir, target: 'Noisy', values: [{ bytes: '\xe0abc' }] });
    const r = await runTsfuzz({ cwd: dir, args: ['test'] });
    assert.equal(r.code, 1, show(r));
    assert.doesNotMatch(r.stderr, NOISE, show(r));
    const [rep] = failureReports(r.stdout);
    assert.equal(rep.source, id);
    assert.deepEqual(rep.output.split('\n').sort(), ['noisy-stderr first=224', 'noisy-stdout first=224 len=4', 't.log says first = 224'], show(r));
    assert.doesNotMatch(r.stdout, /first=104/, 'the passing seed\'s output is not shown');

    const streamed = await runTsfuzz({ cwd: dir, args: ['test', '--stream-output'] });
    assert.equal(streamed.code, 1, show(streamed));
    assert.match(streamed.stderr, /^noisy-stdout first=104 len=5$/m, show(streamed));
    assert.match(streamed.stderr, /^noisy-stdout first=224 len=4$/m, show(streamed));
  });
});
