// Story: in `tsfuzz test`, a callback an input left throws, rejects or calls process.exit after
// that input was judged (later than the run waits for an input's timers), while a later input is
// judged. The run fails, and the failure is charged to the input that left the callback (which
// reproduces it when it runs again alone, waiting for its timers up to the timeout), not to the
// later one, and never passes unnoticed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chargedToFirstSeed, fixture, show } from '../helpers/run.mjs';

const CASES = [
  ['StrayThrow', 'throw', /^uncaught Error: stray throw \(thrown after the target returned\)$/],
  ['StrayReject', 'reject', /^unhandled promise rejection: Error: stray rejection$/],
  ['StrayExit', 'exit', /^the target called process\.exit\(3\) in a callback after it returned$/],
];

describe('callbacks that fail while a later input is judged', { concurrency: 1 }, () => {
  for (const [target, kind, headline] of CASES) {
    test(`${target}: tsfuzz test fails the input that left the callback`, async () => {
      const { r, rep } = await chargedToFirstSeed({ dir: fixture('stray-callbacks'), file: 'stray.fuzz.ts', target, kind, headline });
      assert.match(rep.text, /stray\.fuzz\.ts:\d+:\d+/, show(r));
    });
  }
});
