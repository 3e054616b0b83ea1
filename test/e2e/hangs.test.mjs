// Story: a hang is reported with where it was spinning, and hangs are told apart by that place:
// `tsfuzz test` groups hanging inputs of one loop as one failure and keeps another loop's apart
// (fuzzing de-duplicates by the same signature); a target that awaits forever is reported as such;
// one that leaves a timer for later is not a hang.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { failureReports, fixture, plant, runTsfuzz, show } from '../helpers/run.mjs';

const TIMEOUT = '--timeout=500ms';

describe('hangs', { concurrency: 2 }, () => {
  test('tsfuzz test groups hanging inputs by the loop they spin in, and shows where', async () => {
    const dir = fixture('hangs');
    // Three inputs spin in crawl (each sampled where it happens to be: crawl, step or mix), one in churn.
    for (const n of [1, 2, 3]) plant({ dir, target: 'Loops', values: [{ bytes: [0xf0, n] }] });
    const churnId = plant({ dir, target: 'Loops', values: [{ bytes: [0xf1, 9] }] });
    const r = await runTsfuzz({ cwd: dir, args: ['test', 'hangs.fuzz.ts', '--run=^Loops$', TIMEOUT] });
    assert.equal(r.code, 1, show(r));
    assert.match(r.stdout, /^FAIL {2}1 target, 5 inputs: 1 passed, 4 failed \(2 distinct failures\)/m, show(r));
    const reports = failureReports(r.stdout);
    assert.equal(reports.length, 2, show(r));
    for (const rep of reports) assert.equal(rep.kind, 'timeout', show(r));
    const churn = reports.find((rep) => rep.source === churnId);
    const crawl = reports.find((rep) => rep !== churn);
    assert.match(churn.text, /^\s+at churn \(hangs\.fuzz\.ts:25:\d+\)$/m, show(r));
    assert.match(churn.text, /^\s+at hangs\.fuzz\.ts:31:\d+$/m, show(r));
    assert.match(crawl.text, /^\s+at (crawl|step|mix) \(hangs\.fuzz\.ts:\d+:\d+\)$/m, show(r));
    assert.match(crawl.text, /^\s+at hangs\.fuzz\.ts:30:\d+$/m, show(r));
    // The other inputs of the group are named on their own line, not as the target's output.
    assert.match(crawl.text, /^ {4}also fails the same way: Loops\/[0-9a-f]{16}, Loops\/[0-9a-f]{16}$/m, show(r));
    assert.doesNotMatch(crawl.output ?? '', /also fails/, show(r));
  });

  test('an input that leaves a timer for later is not a hang, even with a short timeout', async () => {
    // Re-runs wait for the timers an input created (what they throw is its failure), but only for
    // those that can fire meanwhile: waiting for a one-minute timer made every such input look
    // like a hang once --timeout was under 100 ms.
    const dir = fixture('hangs');
    for (const n of [1, 2, 3]) plant({ dir, target: 'LongTimer', values: [{ bytes: [n] }] });
    const r = await runTsfuzz({ cwd: dir, args: ['test', 'hangs.fuzz.ts', '--run=^LongTimer$', '--timeout=20ms'] });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^ok {2}1 target, 4 inputs: 4 passed, 0 failed/m, show(r));
  });

  test('an input that awaits forever is a hang where no JavaScript was running', async () => {
    const dir = fixture('hangs');
    const id = plant({ dir, target: 'AwaitsForever', values: [{ bytes: [0xf2] }] });
    const r = await runTsfuzz({ cwd: dir, args: ['test', 'hangs.fuzz.ts', `--run=AwaitsForever/${id}`, TIMEOUT] });
    assert.equal(r.code, 1, show(r));
    const [rep] = failureReports(r.stdout);
    assert.equal(rep?.kind, 'timeout', show(r));
    assert.match(rep.text, /no JavaScript was running when it was stopped/, show(r));
  });

  test('a loop spinning just under the stack limit is a hang where JavaScript runs, not an idle one', async () => {
    // Sampling evaluates code in the hung thread, which overflows the stack there: that must not
    // pass for "no JavaScript was running", nor merge with an input that awaits forever.
    const dir = fixture('hangs');
    const deepId = plant({ dir, target: 'DeepOrIdle', values: [{ bytes: [0xf3] }] });
    const idleId = plant({ dir, target: 'DeepOrIdle', values: [{ bytes: [0xf2] }] });
    const r = await runTsfuzz({ cwd: dir, args: ['test', 'hangs.fuzz.ts', '--run=^DeepOrIdle$', TIMEOUT] });
    assert.equal(r.code, 1, show(r));
    assert.match(r.stdout, /^FAIL {2}1 target, 3 inputs: 1 passed, 2 failed \(2 distinct failures\)/m, show(r));
    const reports = failureReports(r.stdout);
    const deep = reports.find((rep) => rep.source === deepId);
    const idle = reports.find((rep) => rep.source === idleId);
    assert.equal(deep?.kind, 'timeout', show(r));
    assert.equal(idle?.kind, 'timeout', show(r));
    assert.doesNotMatch(deep.text, /no JavaScript was running/, show(r));
    assert.match(deep.text, /^\s+at descend \(hangs\.fuzz\.ts:(49|51):\d+\)$/m, show(r));
    assert.match(idle.text, /no JavaScript was running when it was stopped/, show(r));
  });
});
