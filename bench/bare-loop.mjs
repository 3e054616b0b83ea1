// The baseline of bench/run.mjs: the benchmark's target function called in a plain loop on fresh
// random buffers of 0..64 bytes, in this one process, for a fixed time. Prints calls per second.
// With `async` as second argument, the function is called from an async function whose promise
// is awaited, as the async benchmark target (targets/trivial-async.fuzz.ts) calls it.
import { registerLoader } from '../dist/instrument/register.js';

const seconds = Number(process.argv[2] ?? 5);
const awaited = process.argv[3] === 'async';
registerLoader({ instrument: false });
const { trivial } = await import('./targets/trivial.ts');

let x = 0x9e3779b9;
const next = () => {
  x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
  return x >>> 0;
};
const asyncTarget = async (data) => {
  trivial(data);
};
/** One fresh random buffer of 0..64 bytes. */
function fresh() {
  const len = next() % 65;
  const buf = new Uint8Array(len);
  for (let j = 0; j < len; j += 4) {
    const r = next();
    buf[j] = r; buf[j + 1] = r >>> 8; buf[j + 2] = r >>> 16; buf[j + 3] = r >>> 24;
  }
  return buf;
}
let calls = 0;
const end = Date.now() + seconds * 1000;
if (awaited) {
  while (Date.now() < end) {
    for (let i = 0; i < 10000; i++) await asyncTarget(fresh());
    calls += 10000;
  }
} else {
  while (Date.now() < end) {
    for (let i = 0; i < 10000; i++) {
      const len = next() % 65;
      const buf = new Uint8Array(len);
      for (let j = 0; j < len; j += 4) {
        const r = next();
        buf[j] = r; buf[j + 1] = r >>> 8; buf[j + 2] = r >>> 16; buf[j + 3] = r >>> 24;
      }
      trivial(buf);
    }
    calls += 10000;
  }
}
console.log(JSON.stringify({ execsPerSec: Math.round(calls / seconds) }));
