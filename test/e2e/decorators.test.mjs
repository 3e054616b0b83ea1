// Story: a TypeScript project with decorators, which Node cannot run, is fuzzed as it is: tsfuzz
// compiles its decorated files with the project's own TypeScript, by the decorator settings of the
// nearest tsconfig.json (legacy decorators with emitted metadata at the root, TC39 decorators in
// tc39/; in nest/, a NestJS-style controller whose only decorators are parameter decorators, on a
// constructor parameter property and on a route handler's parameter). Seeds run, fuzzing finds
// the bug behind each decorator with stacks at the .ts lines, the reproducers re-run, and a change
// of those settings takes effect on the next run.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { REPO, expectReports, failureReports, fixture, plant, rerunArgs, runTsfuzz, show, testdataFiles } from '../helpers/run.mjs';

const EXPECTED = {
  DecoratedHeader: { headline: /^RangeError: planted: port 4242$/, frame: /^at validate \(validate\.ts:34:\d+\)$/ },
  DecoratedCodec: { headline: /^TypeError: planted: empty object$/, frame: /^at Codec\.decode \(tc39\/codec\.ts:13:\d+\)$/ },
  // Reachable only if the parameter decorators and the emitted parameter types took effect.
  NestItems: { headline: /^RangeError: planted: item 4242$/, frame: /^at ItemsController\.find \(nest\/items\.controller\.ts:17:\d+\)$/ },
};

/** The fixture, with the repository's TypeScript installed in it as a project's own would be. */
function project() {
  const dir = fixture('decorators');
  fs.symlinkSync(path.join(REPO, 'node_modules', 'typescript'), path.join(dir, 'node_modules', 'typescript'), 'dir');
  return dir;
}

describe('decorators', () => {
  test('decorated files load, the bugs behind legacy, TC39 and parameter decorators are found and re-run', async () => {
    const dir = project();
    const seeds = await runTsfuzz({ cwd: dir, args: ['test'] });
    assert.equal(seeds.code, 0, show(seeds));
    // Each seed passes only if its file's decorators ran (NestItems: the repository was injected).
    assert.match(seeds.stdout, /^ok {2}3 targets, 3 inputs: 3 passed/m, show(seeds));

    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', '--fuzztime=50000x', '--seed=1', '--parallel=1', '--keep-going'] });
    assert.equal(r.code, 1, show(r));
    for (const rep of expectReports(r, EXPECTED)) {
      const e = EXPECTED[rep.target];
      const again = await runTsfuzz({ cwd: dir, args: rerunArgs(rep.rerun) });
      assert.equal(again.code, 1, show(again));
      assert.match(failureReports(again.stdout)[0]?.headline ?? '', e.headline, show(again));
    }
    assert.equal(testdataFiles(dir, 'DecoratedHeader').length, 1, show(r));
    assert.equal(testdataFiles(path.join(dir, 'tc39'), 'DecoratedCodec').length, 1, show(r));
    assert.equal(testdataFiles(path.join(dir, 'nest'), 'NestItems').length, 1, show(r));
  });

  test("a change of the tsconfig's decorator settings applies to the next run (not served from the cache)", async () => {
    const dir = project();
    const id = plant({ dir, target: 'DecoratedHeader', values: [{ string: 'x' }, { uint16: 4242 }] });
    const before = await runTsfuzz({ cwd: dir, args: ['test', 'header.fuzz.ts'] });
    assert.equal(before.code, 1, show(before));
    assert.deepEqual(failureReports(before.stdout).map((x) => x.source), [id], show(before));

    // Without emitted metadata the validator no longer knows `port` is a number: the bug is gone.
    const config = path.join(dir, 'tsconfig.json');
    fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace('"emitDecoratorMetadata": true', '"emitDecoratorMetadata": false'));
    const after = await runTsfuzz({ cwd: dir, args: ['test', 'header.fuzz.ts'] });
    assert.equal(after.code, 0, show(after));
  });
});
