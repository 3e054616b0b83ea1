// Story: a TypeScript project that imports its own modules through tsconfig.json `paths` aliases
// (`@/parser`, a folder alias `@codec`, and `require('@/sum.cjs')` from CommonJS, the aliases
// coming through "extends") loads as tsc and tsx resolve it: seeds run, fuzzing finds the bug
// behind each alias with stacks pointing at the aliased .ts files, and the reproducers re-run.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { expectReports, fixture, runTsfuzz, show, testdataFiles } from '../helpers/run.mjs';

const EXPECTED = {
  AliasTag: { headline: /^RangeError: tag z is reserved$/, frame: /^at parseTag \(src\/parser\.ts:3:\d+\)$/ },
  AliasFolder: { headline: /^Error: length 0xee overflows$/, frame: /^at decodeLength \(src\/codec\/index\.ts:4:\d+\)$/ },
  AliasRequire: { headline: /^Error: sum: 4242 is unlucky$/, frame: /^at sum \(src\/sum\.cts:3:\d+\)$/ },
};

const checkReports = (r) => expectReports(r, EXPECTED);

describe('tsconfig paths aliases', () => {
  test('fuzz files importing through aliases load, find the bugs behind them, and re-run them', async () => {
    const dir = fixture('paths');
    const seeds = await runTsfuzz({ cwd: dir, args: ['test'] });
    assert.equal(seeds.code, 0, show(seeds));
    assert.match(seeds.stdout, /^ok {2}3 targets, 3 inputs: 3 passed, 0 failed/m, show(seeds));

    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', '--keep-going', '--fuzztime=20000x', '--parallel=1', '--seed=1'] });
    assert.equal(r.code, 1, show(r));
    checkReports(r);
    for (const t of Object.keys(EXPECTED)) assert.equal(testdataFiles(dir, t).length, 1, `${t}\n${show(r)}`);
    // The aliased files are instrumented like any of the user's files.
    assert.match(r.stdout, /AliasTag: \d+ execs, corpus \d+ \(\d+ new\), [1-9]\d* edges/, show(r));

    const again = await runTsfuzz({ cwd: dir, args: ['test'] });
    assert.equal(again.code, 1, show(again));
    checkReports(again);
  });
});
