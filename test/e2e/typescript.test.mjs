// Story: TypeScript runs directly. .ts, .mts and .cts fuzz files load (a .ts file importing
// another as './x.js' included), and a failure's stack points at the right .ts file, line and
// column — with erasable syntax only (positions kept) and with an enum (transformed, source-mapped),
// with types imported without `import type` and a type exported by name (dropped as tsc does),
// both while fuzzing (instrumented) and in `tsfuzz test` (not instrumented). In a CommonJS package
// ("type": "commonjs", as npm init writes it), TypeScript with import and export runs too, converted
// by the project's TypeScript as tsc's "module": "commonjs" would; without TypeScript installed,
// one line says the ways out.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { REPO, failureReports, fixture, runTsfuzz, show, testdataFiles } from '../helpers/run.mjs';

const FIXTURE = path.join(REPO, 'test', 'fixtures', 'typescript');

/** `file:line:col` of the first occurrence of `needle` in a fixture file (1-based, as V8 prints). */
function where(file, needle) {
  const lines = fs.readFileSync(path.join(FIXTURE, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} not in ${file}`);
  return `${file}:${i + 1}:${lines[i].indexOf(needle) + 1}`;
}

const EXPECTED = {
  // lib/parse.ts is erasable TypeScript imported as './lib/parse.js'.
  ParseHeader: {
    file: 'header.fuzz.ts',
    headline: /^RangeError: version 2\d\d is not supported$/,
    frames: [`at parseHeader (${where('lib/parse.ts', 'new RangeError')})`, `at ${where('header.fuzz.ts', 'parseHeader(data, opts.strict)')}`],
  },
  // lib/modes.ts has an enum and a parameter property: transform mode, positions from the source map.
  WithEnum: {
    file: 'header.fuzz.ts',
    headline: /^TypeError: strict check failed for 2\d\d$/,
    frames: [`at Checker.check (${where('lib/modes.ts', 'new TypeError')})`, `at ${where('header.fuzz.ts', 'check(x)')}`],
  },
  FromMts: { file: 'module.fuzz.mts', headline: /^Error: mts: \d+ is over the limit$/, frames: [`at ${where('module.fuzz.mts', 'new Error')}`] },
  FromCts: { file: 'common.fuzz.cts', headline: /^Error: cts: 25\d is too big$/, frames: [`at ${where('common.fuzz.cts', 'new Error')}`] },
};

function checkReports(r, withSource) {
  const reports = failureReports(r.stdout);
  assert.deepEqual(reports.map((x) => x.target).sort(), Object.keys(EXPECTED).sort(), show(r));
  for (const rep of reports) {
    const e = EXPECTED[rep.target];
    assert.match(rep.headline, e.headline, show(r));
    const stack = rep.text.split('\n').filter((l) => /^\s+at /.test(l)).map((l) => l.trim());
    assert.deepEqual(stack.slice(0, e.frames.length), e.frames, `${rep.target}: stack\n${rep.text}`);
    assert.ok(rep.rerun.startsWith(`npx tsfuzz test ${e.file} --run=${rep.target}/`), rep.rerun);
    if (withSource) assert.match(rep.source ?? '', /^[0-9a-f]{16}$/);
  }
}

describe('TypeScript', () => {
  test('.ts, .mts and .cts fuzz files load and pass on their seeds', async () => {
    const dir = fixture('typescript');
    const r = await runTsfuzz({ cwd: dir, args: ['test'] });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^ok {2}4 targets, 4 inputs: 4 passed, 0 failed/m, show(r));
  });

  test('failures point at the TypeScript source, fuzzing and re-running alike', async () => {
    const dir = fixture('typescript');
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', '--keep-going', '--fuzztime=20000x', '--parallel=1', '--seed=1'] });
    assert.equal(r.code, 1, show(r));
    checkReports(r, false);
    for (const t of Object.keys(EXPECTED)) assert.equal(testdataFiles(dir, t).length, 1, `${t}\n${show(r)}`);

    const again = await runTsfuzz({ cwd: dir, args: ['test'] });
    assert.equal(again.code, 1, show(again));
    checkReports(again, true);
  });
});

describe('TypeScript in a CommonJS package', () => {
  const CJS = path.join(REPO, 'test', 'fixtures', 'typescript-cjs');
  /** `file:line:col` of `needle` in a file of the fixture. */
  const at = (file, needle) => {
    const lines = fs.readFileSync(path.join(CJS, file), 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes(needle));
    assert.ok(i >= 0, `${needle} not in ${file}`);
    return `${file}:${i + 1}:${lines[i].indexOf(needle) + 1}`;
  };
  /** The fixture, with the repository's TypeScript as the project's own. */
  const withTypescript = () => {
    const dir = fixture('typescript-cjs');
    fs.symlinkSync(path.join(REPO, 'node_modules', 'typescript'), path.join(dir, 'node_modules', 'typescript'), 'dir');
    return dir;
  };
  const checkReport = (r) => {
    const [rep, more] = failureReports(r.stdout);
    assert.ok(rep && !more, show(r));
    assert.equal(rep.headline, 'Error: prototype pollution', show(r));
    const stack = rep.text.split('\n').filter((l) => /^\s+at /.test(l)).map((l) => l.trim());
    assert.equal(stack[0], `at parseQuery (${at('lib/query.ts', 'new Error')})`, rep.text);
    // TypeScript calls an imported function as (0, query_1.parseQuery)(q): the frame is on its line.
    assert.match(stack[1] ?? '', new RegExp(`^at ${at('query.fuzz.ts', 'parseQuery(q)').replace(/:\d+$/, '')}:\\d+$`), rep.text);
  };

  test('import and export are converted: the seeds pass, a failure points at the .ts lines, fuzzing and re-running alike', async () => {
    const dir = withTypescript();
    const ok = await runTsfuzz({ cwd: dir, args: ['test'] });
    assert.equal(ok.code, 0, show(ok));
    assert.match(ok.stdout, /^ok {2}1 target, 1 input: 1 passed, 0 failed/m, show(ok));

    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', '--fuzztime=200000x', '--parallel=1', '--seed=1'] });
    assert.equal(r.code, 1, show(r));
    checkReport(r);
    assert.equal(testdataFiles(dir, 'ParseQuery').length, 1, show(r));

    const again = await runTsfuzz({ cwd: dir, args: ['test'] });
    assert.equal(again.code, 1, show(again));
    checkReport(again);
  });

  test('without TypeScript in the project: one line naming the file, the line, and the ways out', async () => {
    const dir = fixture('typescript-cjs');
    const r = await runTsfuzz({ cwd: dir, args: ['test'] });
    assert.equal(r.code, 2, show(r));
    assert.equal(
      r.stderr.trim(),
      'tsfuzz: query.fuzz.ts: syntax error: import and export in a file Node loads as CommonJS (package.json "type") ' +
        "need TypeScript's compiler, which tsfuzz takes from your project: install it there (npm install --save-dev typescript), " +
        `or add "type": "module" to package.json, or rename the file to .mts (${at('query.fuzz.ts', 'import path')})`,
      show(r),
    );
  });
});
