// Story: while the input of one asynchronous bug (an error thrown from a timer) is searched for by
// replaying its batch, a second, different bug shows up (a timer that spins for ever). The search
// takes a late hang only for a hang: the spinning timer's input is not taken for the thrower, so
// the throw is reported with its own input and the second bug is not given its signature.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeCorpus, fixture, onlyReport, readTestdata, runTsfuzz, show, testdataFiles } from '../helpers/run.mjs';

test('a hang met while searching for a late throw is not taken for the throw', async () => {
  const dir = fixture('async-kinds');
  const r = await runTsfuzz({ cwd: dir, args: ['fuzz', 'kinds.fuzz.ts', '--fuzztime=20000x', '--seed=1', '--parallel=1', '--timeout=500ms'] });
  assert.equal(r.code, 1, show(r));
  const rep = onlyReport(r);
  assert.equal(rep.kind, 'throw', show(r));
  assert.match(rep.headline, /^uncaught Error: late boom \(thrown after the target returned\)$/, show(r));
  assert.doesNotMatch(r.stdout, /\(timeout\)|ran past|flaky|input is unknown/, show(r));
  const files = testdataFiles(dir, 'ThrowAmidSpin');
  assert.equal(files.length, 1, show(r));
  const [value] = decodeCorpus(readTestdata(dir, 'ThrowAmidSpin', files[0]));
  assert.ok(value.value.length >= 2 && value.value[0] === 0, `the written input must be the thrower\n${show(r)}`);
});
