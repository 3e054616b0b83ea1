// Times instrumenting a large real file (TypeScript's own lib/typescript.js, ~9 MB) in this fresh
// process: the first time (cold cache), or its load from the on-disk cache when `--cache-dir` names
// one that holds it already. Prints JSON.
// With --parse-only it times only meriyah's parse of the same file, also in a fresh process: the
// floor under the first-time number (no instrumenter can be faster than its parser), so that a
// slow machine can be told from a slow transform. With --parse-warm it times the parse as the
// research note (../shared/reference/instrument-deps.md) did: the median of 5 parses after one
// discarded warm-up, to compare this machine's speed with the one the note measured. With --loader
// it times the first load the way a worker's execution thread makes it: the loader's cache lookup,
// then the miss sent to the transform helper thread (started for it), transformed and stored
// there, and the code back in this thread as a string.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const file = createRequire(import.meta.url).resolve('typescript/lib/typescript.js');
const source = fs.readFileSync(file, 'utf8');

const PARSE = { ranges: { start: true, end: true, range: false }, next: true, webcompat: true, globalReturn: true };
if (process.argv.includes('--parse-only')) {
  const { parseScript } = await import('meriyah');
  const t = process.hrtime.bigint();
  parseScript(source, PARSE);
  console.log(JSON.stringify({ bytes: source.length, parseMs: Number(process.hrtime.bigint() - t) / 1e6 }));
} else if (process.argv.includes('--parse-warm')) {
  const { parseScript } = await import('meriyah');
  parseScript(source, PARSE);
  const ms = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    parseScript(source, PARSE);
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  console.log(JSON.stringify({ bytes: source.length, parseMs: ms.sort((a, b) => a - b)[2] }));
} else if (process.argv.includes('--loader')) {
  const { LoaderCore } = await import('../dist/instrument/core.js');
  const { offloadTransform } = await import('../dist/instrument/offload.js');
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsfuzz-bench-instr-'));
  const core = new LoaderCore({ instrument: true, include: ['**/typescript/lib/typescript.js'], cacheDir }, offloadTransform);
  const t = process.hrtime.bigint();
  const r = core.transform(source, file, 'commonjs');
  const loaderMs = Number(process.hrtime.bigint() - t) / 1e6;
  fs.rmSync(cacheDir, { recursive: true, force: true });
  console.log(JSON.stringify({ bytes: source.length, codeLength: r.source.length, loaderMs }));
} else {
  // `--cache-dir DIR`: the cache to use and keep (else a temporary one, removed). When DIR
  // already holds the file's entry, this fresh process times only the load from it, as a second
  // run or a new worker makes it.
  const given = process.argv.indexOf('--cache-dir');
  const { transformCached } = await import('../dist/instrument/transform-cached.js');
  const cacheDir = given > 0 ? process.argv[given + 1] : fs.mkdtempSync(path.join(os.tmpdir(), 'tsfuzz-bench-instr-'));
  const opts = { instrument: true, format: 'commonjs', cacheDir };
  const t = process.hrtime.bigint();
  const r = transformCached(source, file, opts);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (given < 0) fs.rmSync(cacheDir, { recursive: true, force: true });
  console.log(JSON.stringify({ bytes: source.length, edges: r.edges, compareSites: r.compareSites, ms }));
}
