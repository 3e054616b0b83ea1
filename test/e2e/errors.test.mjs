// Story: every user mistake ends the command with exit 2 and ONE line on stderr that names the
// thing (flag, file, line, target, seed) — no stack trace, nothing on stdout, never a hang.
// test/fixtures/errors has one sub-folder per broken project.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as fs from 'node:fs';
import { fixture, runTsfuzz, show } from '../helpers/run.mjs';

const FUZZ = ['--fuzztime=100x', '--parallel=1'];

/** `line`: what the single stderr line must match; `both`: also run the same paths with `tsfuzz fuzz`. */
const CASES = [
  { name: 'an unknown flag', args: ['fuzz', 'good', '--bogus'], line: /unknown flag --bogus\b/ },
  { name: 'an unknown flag (test)', args: ['test', 'good', '--fuzztime=10x'], line: /unknown flag --fuzztime\b/ },
  { name: 'an unknown command', args: ['fuz', 'good'], line: /unknown command "fuz"/ },
  { name: '--fuzztime=abc', args: ['fuzz', 'good', '--fuzztime=abc', '--parallel=1'], line: /--fuzztime=abc\b/ },
  { name: '--fuzztime followed by another flag', args: ['fuzz', 'good', '--fuzztime', '--parallel=1'], line: /--fuzztime needs a value\b/ },
  { name: '--fuzztime=0x', args: ['fuzz', 'good', '--fuzztime=0x', '--parallel=1'], line: /--fuzztime=0x\b/ },
  { name: '--parallel=0', args: ['fuzz', 'good', '--parallel=0', '--fuzztime=10x'], line: /--parallel=0\b/ },
  { name: '--no-coverage with --include (a flag it would ignore)', args: ['fuzz', 'good', '--no-coverage', '--include=**/x/**', ...FUZZ], line: /--include acts on instrumented code.*--no-coverage/ },
  { name: '--no-coverage with --value-profile', args: ['fuzz', 'good', '--no-coverage', '--value-profile', ...FUZZ], line: /--value-profile acts on instrumented code.*--no-coverage/ },
  { name: '--timeout=soon', args: ['test', 'good', '--timeout=soon'], line: /--timeout=soon\b/ },
  { name: '--memory-limit=lots', args: ['test', 'good', '--memory-limit=lots'], line: /--memory-limit=lots\b/ },
  { name: '--fuzz with an invalid regex', args: ['fuzz', 'good', '--fuzz=[', ...FUZZ], line: /--fuzz=\[.*regular expression/ },
  { name: '--fuzz matching nothing (lists the targets)', args: ['fuzz', 'good', '--fuzz=Gamma', ...FUZZ], line: /--fuzz=Gamma matches no fuzz target.*\bAlpha, Beta\b/ },
  { name: 'a path that does not exist', args: ['test', 'no-such-folder'], line: /no-such-folder/ },
  { name: 'no fuzz files found', args: ['test', 'nofiles'], line: /no fuzz files.*nofiles/, both: true },
  { name: 'a fuzz file with a syntax error', args: ['test', 'syntax'], line: /syntax\/broken\.fuzz\.ts.*syntax error.*broken\.fuzz\.ts:4/, both: true },
  { name: 'a .mjs fuzz file with a syntax error', args: ['test', 'syntax-mjs'], line: /syntax-mjs\/broken\.fuzz\.mjs.*syntax error.*broken\.fuzz\.mjs:4\b/, both: true },
  // Node 20 reports an ES module's compile error without its file: tsfuzz finds it.
  { name: 'a syntax error in a module the fuzz file imports (names it and the line)', args: ['test', 'syntax-import'], line: /syntax-import\/imp\.fuzz\.ts: syntax error: .*\(syntax-import\/lib\.mjs:3\b/, both: true },
  {
    name: 'a decorator in TypeScript with no TypeScript installed (names the file and line, says what to install)', args: ['test', 'decorators'],
    line: /decorators\/service\.fuzz\.ts: syntax error: decorators need TypeScript's compiler, .*\(npm install --save-dev typescript\) \(decorators\/service\.ts:7:3\)$/, both: true,
  },
  { name: 'a decorator in JavaScript (names the file and line, says why)', args: ['test', 'decorators-js'], line: /decorators-js\/service\.fuzz\.ts: syntax error: .*\(decorators-js\/service\.mjs:6\b.*; Node cannot run decorators yet/, both: true },
  {
    name: 'a type re-exported as a value (names the file and line, says how to mark it)', args: ['test', 'typeexport'],
    line: /typeexport\/reexport\.fuzz\.ts: syntax error: .*does not provide an export named 'Point' \(typeexport\/index\.ts:2\); if Point is a type, mark it as one there: export type \{ Point \}/, both: true,
  },
  { name: 'a fuzz file importing a missing module', args: ['test', 'missing'], line: /missing\/missing\.fuzz\.ts.*no-such-module/, both: true },
  { name: 'a fuzz file that registers no targets', args: ['test', 'empty'], line: /empty\/empty\.fuzz\.ts.*registers no fuzz targets/, both: true },
  { name: 'a malformed testdata file (names the file and line)', args: ['test', 'badtestdata'], line: /badtestdata\/testdata\/fuzz\/Ok\/0123456789abcdef:3: .*\(every file in badtestdata\/testdata\/fuzz\/Ok\/ is an input of its target: fix it or move it out\)$/, both: true },
  { name: 'a seed of the wrong type (names the target and the seed)', args: ['test', 'seedtype'], line: /seedtype\/seed\.fuzz\.ts.*SeedType.*seed #1.*300/, both: true },
  { name: 'a typed array of the wrong type as a bytes seed (names its type)', args: ['test', 'seedarray'], line: /seedarray\/seed\.fuzz\.ts.*SeedArray.*seed #0.*Uint16Array\(2\) is not a Uint8Array/, both: true },
  { name: 'one target name in two files of a folder (names both)', args: ['test', 'duplicate'], line: /\bSame\b.*duplicate\/a\.fuzz\.ts.*duplicate\/b\.fuzz\.ts/, both: true },
  // A SyntaxError thrown by code (JSON.parse) while the file loads is not a syntax error in it.
  { name: 'a fuzz file that throws while loading', args: ['test', 'loadthrows'], line: /^tsfuzz: loadthrows\/config\.fuzz\.ts: (?!.*syntax error).*JSON/, both: true },
  { name: 'a fuzz file that calls process.exit while loading (names the file)', args: ['test', 'loadexits'], line: /loadexits\/exits\.fuzz\.ts.*process\.exit\(5\)/, both: true },
  { name: 'an invalid target name', args: ['test', 'invalidname'], line: /invalidname\/bad\.fuzz\.ts.*"a\/b"/, both: true },
  { name: 'ESM import syntax in a .cts file (says what to write)', args: ['test', 'ctsimport'], line: /ctsimport\/esm\.fuzz\.cts: syntax error: import and export in a \.cts file \(CommonJS\) need TypeScript's compiler, .*, or use require\(\) \(in TypeScript also import x = require\(\.\.\.\)\), or rename the file to \.mts \(ctsimport\/esm\.fuzz\.cts:\d+:\d+\)$/, both: true },
  { name: 'a kind passed without calling it', args: ['test', 'kindfn'], line: /kindfn\/kind\.fuzz\.mjs.*NoParens: argument 1 is the function string, not a kind; call it: string\(\)/, both: true },
  { name: 'an expect() message that is not a RegExp', args: ['test', 'expectstr'], line: /expectstr\/expect\.fuzz\.ts.*ExpectString: expect\(\)'s message pattern must be a RegExp/, both: true },
  { name: '--corpus naming a missing folder', args: ['fuzz', 'good', '--corpus=no-such-samples', ...FUZZ], line: /^tsfuzz: --corpus=no-such-samples: no such folder$/ },
  { name: '--corpus naming a file', args: ['fuzz', 'good', '--corpus=good/good.fuzz.ts', ...FUZZ], line: /^tsfuzz: --corpus=good\/good\.fuzz\.ts: not a folder/ },
];

describe('user mistakes: exit 2 with one line naming the thing', { concurrency: 3 }, () => {
  let dir;
  before(() => {
    dir = fixture('errors');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const c of CASES) {
    const runs = c.both ? [c.args, ['fuzz', ...c.args.slice(1), ...FUZZ]] : [c.args];
    for (const args of runs) {
      test(`${c.name}: tsfuzz ${args.join(' ')}`, async () => {
        const r = await runTsfuzz({ cwd: dir, args, timeoutMs: 30_000 });
        assert.equal(r.code, 2, show(r));
        assert.equal(r.stdout, '', show(r));
        const lines = r.stderr.trimEnd().split('\n');
        assert.equal(lines.length, 1, `one line on stderr\n${show(r)}`);
        assert.match(lines[0], /^tsfuzz: /, show(r));
        assert.match(lines[0], c.line, show(r));
        assert.doesNotMatch(lines[0], /internal error|\bat [\w.<>$]+ \([^)]*:\d+:\d+\)/, show(r));
      });
    }
  }

  test('the good project in the same fixture passes (the errors above are not caused by the set-up)', async () => {
    const r = await runTsfuzz({ cwd: dir, args: ['test', 'good'] });
    assert.equal(r.code, 0, show(r));
  });
});

describe('a reader that goes away', () => {
  // `tsfuzz test | head -1`: printing stops, the command still finishes with its own exit code.
  test('closing stdout early ends printing quietly, not with a stack trace', async () => {
    const { spawn } = await import('node:child_process');
    const pathMod = await import('node:path');
    const { CLI, plant } = await import('../helpers/run.mjs');
    const dir = fixture('keep-going');
    for (const n of [250, 251, 252]) plant({ dir, target: 'TwoBugs', values: [{ bytes: [n] }] });
    plant({ dir, target: 'TwoBugs', values: [{ bytes: [3] }] });
    const child = spawn(process.execPath, [CLI, 'test', 'two-bugs.fuzz.ts'], {
      cwd: dir, env: { ...process.env, TSFUZZ_CACHE: pathMod.join(dir, '.cache') }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b) => (stderr += b));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((resolve) => child.on('close', (c) => resolve(c)));
    assert.equal(code, 1, stderr);
    assert.doesNotMatch(stderr, /EPIPE|internal error|\n\s+at /, stderr);
  });
});
