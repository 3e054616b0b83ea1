// Story: comparisons that coverage alone cannot climb — a 16-character key, 32-bit magic numbers, a
// checksum, string gates and a switch, a line protocol, a JSON document, a bigint, a float — are
// solved by compare tracing (input-to-state) within a bounded number of executions, and are not
// solved in the same number with `--no-cmp-trace`. Every magic value in the fixtures
// (test/fixtures/input-to-state) is built at run time, so the automatic dictionary (literals of the
// instrumented code) cannot supply it: only the traced operands can. Dictionaries (--dict=FILE,
// f.dict), the recommended dictionary and --value-profile are covered at the end.
//
// Every run is `--fuzztime=Nx --parallel=1 --seed=1`, which is reproducible: the execution counts
// quoted below are those of seed 1 (then seeds 2 and 3, measured the same way), each N a margin
// over the largest of them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseDictionary } from '../../dist/corpus/dict.js';
import { decodeCorpus, fixture, jsonLines, readTestdata, runTsfuzz, show, testdataFiles } from '../helpers/run.mjs';

const EXT = { ts: '.fuzz.ts', esm: '.fuzz.mjs', cjs: '.fuzz.cjs' };
const FORMAT = { ts: 'TypeScript', esm: 'ES module', cjs: 'CommonJS' };

// The magic values, written out here (the fixtures build them at run time).
const KEY16 = 'S3cr3t-K3y/2024!';
const latin1 = (bytes) => Buffer.from(bytes).toString('latin1');
const view = (b) => new DataView(b.buffer, b.byteOffset, b.byteLength);

const FIXTURES = [
  {
    // tracing: 431 / 3,010 / 890 executions (seeds 1/2/3)
    file: 'key16', target: 'Key16', budget: 50_000, formats: ['ts', 'esm', 'cjs'],
    what: 'a 16-character key compared through a const',
    headline: 'Error: unlocked with the 16-character key',
    solves: ([text]) => text.slice(0, 16) === KEY16,
  },
  {
    // tracing: 18 / 34 / 14 (734 / 90,024 / 59,923 before input-to-state applied to its own finds)
    file: 'ints', target: 'TwoInts', budget: 200_000, formats: ['ts'],
    what: 'two 32-bit integers (DataView, LE signed and BE unsigned) against odd constants, one negative',
    headline: 'Error: both 32-bit integers matched',
    solves: ([b]) => b.length >= 8 && view(b).getInt32(0, true) === -1580896551 && view(b).getUint32(4, false) === 3237998133,
  },
  {
    // tracing: 21 / 51 / 32
    file: 'checksum', target: 'Checksum', budget: 50_000, formats: ['ts', 'esm', 'cjs'],
    what: 'a magic word and a 4-byte checksum of the rest',
    headline: 'Error: record with a valid checksum',
    solves: ([b]) => b.length >= 12 && latin1(b.subarray(0, 4)) === 'SKC\x7f' && view(b).getUint32(4, true) === b.subarray(8).reduce((s, x) => s + x, 0),
  },
  {
    // tracing: 246,278 / 131,317 / 13,439 (the switch waits for random text after "mode=": see
    // the empty-operand gap below)
    file: 'strings', target: 'StringGates', budget: 2_000_000, formats: ['ts', 'esm', 'cjs'],
    what: 'startsWith / includes / indexOf gates and a switch on a sliced string',
    headline: 'Error: reached the mode switch case',
    solves: ([s]) => s.startsWith('#!qz/') && s.includes('<@~@>') && s.slice(s.indexOf('mode=') + 5, s.indexOf('mode=') + 9) === 'zzyk',
  },
  {
    // tracing: 431,091 / 281,873 / 248,513
    file: 'protocol', target: 'LineProtocol', budget: 3_000_000, formats: ['ts'],
    what: 'a line protocol with four states, commands compared with ===',
    headline: 'Error: session erased after login',
    solves: ([s]) => {
      const lines = s.split('\n').map((l) => l.trim());
      const at = (w, from) => lines.indexOf(w, from);
      const h = at('HELOX', 0);
      const u = h < 0 ? -1 : at('USR!', h + 1);
      const p = u < 0 ? -1 : at('open-7', u + 1);
      return p >= 0 && at('WIPE', p + 1) > p;
    },
  },
  {
    // tracing: 48,902 / 3,442 / 131,204 (seeds 4, 5: 435, 2,386); the string is solved at once,
    // dropping one array element is left to random mutation
    file: 'json', target: 'JsonDoc', budget: 300_000, formats: ['ts'],
    what: 'a JSON document: a nested property equal to a string, an array of a given length',
    headline: 'Error: gauge document with three items',
    solves: ([s]) => {
      const d = JSON.parse(s);
      return d.meta.kind === 'gauge-v2' && Array.isArray(d.items) && d.items.length === 3;
    },
  },
  {
    // tracing: 3 / 3 / 3
    file: 'bigint', target: 'BigIntEq', budget: 50_000, formats: ['ts'],
    what: 'an int64 equal to a computed bigint',
    headline: 'Error: int64 matched',
    solves: ([x]) => x === -(3n ** 37n) + 978307200000n,
  },
  {
    // tracing: 3 / 3 / 3
    file: 'float', target: 'FloatEq', budget: 50_000, formats: ['ts'],
    what: 'a float64 equal to a computed non-integer',
    headline: 'Error: float64 matched',
    solves: ([x]) => x === (Math.sqrt(2) * 1000) / 3,
  },
];

/** Runs `tsfuzz fuzz <file> --fuzztime=<budget>x --parallel=1 --seed=1 --json ...extra` in a fresh copy of the fixtures. */
async function fuzz(format, file, budget, extra = [], env = {}) {
  const dir = path.join(fixture('input-to-state'), format);
  const r = await runTsfuzz({ cwd: dir, args: ['fuzz', file, `--fuzztime=${budget}x`, '--parallel=1', '--seed=1', '--json', ...extra], env });
  const summary = jsonLines(r.stdout).find((e) => e.event === 'summary');
  assert.ok(summary, show(r));
  return { dir, r, summary };
}

/** Asserts the run found `headline` within `budget` executions and wrote an input that `solves`. */
function assertFound({ dir, r, summary }, { target, budget, headline, solves }) {
  assert.equal(r.code, 1, show(r));
  assert.deepEqual(summary.failures.map((f) => f.headline), [headline], show(r));
  assert.ok(summary.execs <= budget, `found after ${summary.execs} executions, budget ${budget}\n${show(r)}`);
  const files = testdataFiles(dir, target);
  assert.equal(files.length, 1, show(r));
  const values = decodeCorpus(readTestdata(dir, target, files[0])).map((v) => v.value);
  assert.ok(solves(values), `the written input does not pass the gates: ${readTestdata(dir, target, files[0])}`);
}

/** Asserts the run spent its whole budget without a failure. */
function assertNotFound({ dir, r, summary }, { target, budget }) {
  assert.equal(r.code, 0, show(r));
  assert.deepEqual(summary.failures, [], show(r));
  assert.ok(summary.execs >= budget, show(r));
  assert.deepEqual(testdataFiles(dir, target), []);
}

// Runs shared by two tests (the first to ask starts it).
const shared = new Map();
const once = (key, run) => {
  if (!shared.has(key)) shared.set(key, run());
  return shared.get(key);
};
const tracedRun = (format, fx) => once(`${format}/${fx.file}`, () => fuzz(format, fx.file + EXT[format], fx.budget));

describe('input-to-state: found with compare tracing, not without, in the same executions', { concurrency: 2 }, () => {
  for (const fx of FIXTURES) {
    for (const format of fx.formats) {
      test(`${FORMAT[format]}: ${fx.what} (${fx.budget.toLocaleString('en-US')} executions)`, async (t) => {
        assertNotFound(await fuzz(format, fx.file + EXT[format], fx.budget, ['--no-cmp-trace']), fx);
        const traced = await tracedRun(format, fx);
        assertFound(traced, fx);
        t.diagnostic(`found after ${traced.summary.execs} executions with tracing; not in ${fx.budget} without`);
      });
    }
  }
});

// The token fixture: 12 bytes built at run time, anywhere in a bytes input; all with --no-cmp-trace,
// so only a dictionary can supply them. With one: found after 83 / 23 / 45 (--dict) and
// 392 / 23 / 116 (f.dict) executions; without: not found in 200,000 (seeds 1/2/3).
const TOKEN = { target: 'Token', budget: 50_000, headline: 'Error: found the token', solves: ([b]) => latin1(b).includes('|Quark:94^_|') };

describe('dictionaries', { concurrency: 2 }, () => {
  test('--dict=FILE with a malformed line: exit 2, one line naming the file and the line', async () => {
    const dir = path.join(fixture('input-to-state'), 'ts');
    const r = await runTsfuzz({ cwd: dir, args: ['fuzz', 'token.fuzz.ts', '--dict=bad.dict', '--fuzztime=100x', '--parallel=1'] });
    assert.equal(r.code, 2, show(r));
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, show(r));
    assert.match(lines[0], /\bbad\.dict:3: unterminated value/, show(r));
    assert.equal(r.stdout, '', show(r));
  });

  test(`without a dictionary the token is not found in ${TOKEN.budget.toLocaleString('en-US')} executions (--no-cmp-trace)`, async () => {
    assertNotFound(await fuzz('ts', 'token.fuzz.ts', TOKEN.budget, ['--no-cmp-trace']), TOKEN);
  });

  test('a token from --dict=FILE (AFL format, with escapes) finds it (--no-cmp-trace)', async () => {
    assertFound(await fuzz('ts', 'token.fuzz.ts', TOKEN.budget, ['--no-cmp-trace', '--dict=token.dict']), TOKEN);
  });

  test("a token from f.dict(…) in the fuzz file finds it (--no-cmp-trace)", async () => {
    assertFound(await fuzz('ts', 'token.fuzz.ts', TOKEN.budget, ['--no-cmp-trace'], { TSFUZZ_FIXTURE_DICT: '1' }), TOKEN);
  });

  // The string gates' traced run: its needles are built at run time, so they can only come from
  // the traced comparisons.
  const strings = FIXTURES.find((f) => f.file === 'strings');
  const textRun = () => once('text/strings', async () => {
    const dir = path.join(fixture('input-to-state'), 'ts');
    return runTsfuzz({ cwd: dir, args: ['fuzz', 'strings.fuzz.ts', `--fuzztime=${strings.budget}x`, '--parallel=1', '--seed=1'] });
  });
  /** The recommended dictionary block at the end of a text summary: its text, or undefined. */
  const recommendedBlock = (stdout) => {
    const lines = stdout.trimEnd().split('\n');
    const at = lines.findIndex((l) => l.startsWith('recommended dictionary'));
    return at < 0 ? undefined : lines.slice(at + 1).join('\n') + '\n';
  };

  test('the recommended dictionary ends the summary, is valid AFL syntax, and holds the traced needles', async () => {
    const r = await textRun();
    assert.equal(r.code, 1, show(r));
    const block = recommendedBlock(r.stdout);
    assert.ok(block, show(r));
    const tokens = parseDictionary(Buffer.from(block)).map(latin1);
    assert.equal(tokens.length, block.trimEnd().split('\n').length, 'every line after the heading is one token');
    for (const needle of ['#!qz/', '<@~@>', 'mode=']) assert.ok(tokens.includes(needle), `${needle} missing from\n${block}`);
    // The JSON summary's field holds the same dictionary (same seed, same run).
    const { summary } = await tracedRun('ts', strings);
    assert.equal(typeof summary.recommendedDictionary, 'string');
    assert.deepEqual(parseDictionary(Buffer.from(summary.recommendedDictionary)).map(latin1), tokens);
  });

  // The input's side of a comparison (the receiver of startsWith, fragments of mutated text) is
  // always in the input that reached new coverage; it must not be recommended.
  test('the recommended dictionary holds only the program side of comparisons', async () => {
    const tokens = parseDictionary(Buffer.from(recommendedBlock((await textRun()).stdout) ?? '')).map(latin1);
    const constants = ['#!qz/', '<@~@>', 'mode=', 'rrwx', 'zzyk'];
    assert.deepEqual(tokens.filter((t) => !constants.includes(t)), []);
  });
});

// (x ^ 0x1234) === K for a uint32 x: the compared value is not the argument, so input-to-state has
// nothing to copy; value profile makes each bit closer to K new coverage. --no-cmp-trace
// --value-profile: found after 230,068 / 256,499 / 208,459 executions; --no-cmp-trace alone: not
// found in 2,000,000 (seeds 1/2/3).
const XOR = { target: 'XorMask', budget: 1_000_000, headline: 'Error: masked uint32 matched', solves: ([x]) => ((x ^ 0x1234) >>> 0) === 2654435769 };

describe('value profile', { concurrency: 2 }, () => {
  test(`--value-profile finds a masked uint32 that coverage alone does not (${XOR.budget.toLocaleString('en-US')} executions, --no-cmp-trace)`, async () => {
    assertNotFound(await fuzz('ts', 'xor.fuzz.ts', XOR.budget, ['--no-cmp-trace']), XOR);
    assertFound(await fuzz('ts', 'xor.fuzz.ts', XOR.budget, ['--no-cmp-trace', '--value-profile']), XOR);
  });
});

describe('input-to-state stage', { concurrency: 2 }, () => {
  // The two integers are compared one after the other: the candidate that fixes the first one is
  // new coverage, and its own comparison (the second integer) is solved in the same stage.
  // 18 / 34 / 14 executions (seeds 1/2/3); 734 / 90,024 / 59,923 before chaining.
  test('an input found by the input-to-state stage gets its own comparisons solved (TwoInts within 200 executions)', async () => {
    const fx = { ...FIXTURES.find((f) => f.file === 'ints'), budget: 200 };
    assertFound(await fuzz('ts', 'ints.fuzz.ts', fx.budget), fx);
  });

  // No mutation of the seed reaches new coverage before the key matches, so only a pass over the
  // seed itself solves it at once. 4 / 4 / 4 executions; 318 / 590 / 478 before the stage ran on
  // each entry's first batch.
  test("a seed's comparisons are solved right away (SeededKey within 20 executions)", async () => {
    const fx = { ...FIXTURES.find((f) => f.file === 'key16'), target: 'SeededKey', budget: 20, solves: ([s]) => s === KEY16 };
    assertFound(await fuzz('ts', 'seeded.fuzz.ts', fx.budget), fx);
  });
});

// An empty operand (Key16's first input is "") is solved by putting the wanted value in its place
// (an empty needle occurs nowhere, so replacing occurrences alone could not).
test('a comparison whose input-side operand is the empty string is solved (Key16 within 100 executions)', async () => {
  const fx = { ...FIXTURES.find((f) => f.file === 'key16'), budget: 100 };
  assertFound(await fuzz('ts', 'key16.fuzz.ts', fx.budget), fx);
});

// Keep the fixtures honest: no literal of the instrumented code may hold a magic value (the
// automatic dictionary would then supply it without any tracing).
test('the fixtures hold no magic value in a literal', () => {
  const root = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'input-to-state');
  const texts = [KEY16, 'HELOX', 'USR!', 'open-7', 'WIPE', '#!qz/', '<@~@>', 'mode=', 'rrwx', 'zzyk', 'gauge-v2', '|Quark:94^_|'];
  const numbers = ['471.404', '2654435769', '1580896551', '3237998133', '450282927583797363'];
  let checked = 0;
  for (const format of Object.keys(EXT)) {
    for (const name of fs.readdirSync(path.join(root, format))) {
      if (!name.includes('.fuzz.')) continue;
      checked++;
      // Comments may spell the values out; code may not.
      const code = fs.readFileSync(path.join(root, format, name), 'utf8').replace(/\/\/.*$/gm, '');
      for (const [, , lit] of code.matchAll(/(['"`])((?:\\.|(?!\1)[^\\])*)\1/g)) {
        for (const m of texts) assert.ok(!lit.toLowerCase().includes(m.toLowerCase()), `${format}/${name}: the literal ${JSON.stringify(lit)} holds ${m}`);
      }
      for (const m of numbers) assert.ok(!code.includes(m), `${format}/${name} holds ${m} in its code`);
    }
  }
  assert.ok(checked >= 16, `only ${checked} fixture files found`);
});
