// A second baseline of bench/run.mjs: the benchmark's target function called in a plain loop on
// inputs from tsfuzz's own mutator (the fuzz loop's `nextLent`, chains from a 16-byte base, the
// target files' literals as dictionary, inputs up to 64 bytes), in this one process, with no
// engine and no instrumentation. What the fuzz loop costs beyond it is coverage, tracing and the
// engine; what it costs beyond the bare loop (bare-loop.mjs) is mutation. Prints calls per second.
import { registerLoader } from '../dist/instrument/register.js';
import { Mutator } from '../dist/mutator/mutator.js';
import { bytes } from '../dist/values/kinds.js';

const seconds = Number(process.argv[2] ?? 5);
registerLoader({ instrument: false });
const { trivial } = await import('./targets/trivial.ts');

// The literals tsfuzz's automatic dictionary takes from trivial.ts and trivial.fuzz.ts.
const dictionary = ['0', '3', '0x21', '33', 'tsfuzz', './trivial.js', 'Trivial', '16'].map((s) => new TextEncoder().encode(s));
const withCmp = process.argv[3] === 'cmp';
// Site 0 is trivial.ts's `data.length > 3` (op 6: '>'), site 1 its `data[0] === 0x21` (op 0).
const comparisons = [];
for (let len = 0; len <= 64; len++) if (len !== 3) comparisons.push({ site: 0, op: 6, left: len, right: 3 });
for (let b = 0; comparisons.length < 256; b++) if (b !== 0x21) comparisons.push({ site: 1, op: 0, left: b, right: 0x21 });
const mutator = new Mutator([bytes()], { maxLen: 64, dictionary, comparisons: withCmp ? comparisons : undefined });
if (withCmp) mutator.setSplicePool([[new Uint8Array(16)], [new Uint8Array([0x21, 0, 0, 0])]]);
let seed = 1;
let calls = 0;
const end = Date.now() + seconds * 1000;
while (Date.now() < end) {
  mutator.start([new Uint8Array(16)], seed++); // a new batch, as the engine starts one
  for (let i = 0; i < 100000; i++) trivial(mutator.nextLent()[0]);
  calls += 100000;
}
console.log(JSON.stringify({ execsPerSec: Math.round(calls / seconds) }));
