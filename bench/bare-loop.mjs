// The baseline of bench/run.mjs: the benchmark's target function called in a plain loop on fresh
// random buffers of 0..64 bytes, in this one process, for a fixed time. Prints calls per second.
import { registerLoader } from '../dist/instrument/register.js';

const seconds = Number(process.argv[2] ?? 5);
registerLoader({ instrument: false });
const { trivial } = await import('./targets/trivial.ts');

let x = 0x9e3779b9;
const next = () => {
  x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
  return x >>> 0;
};
let calls = 0;
const end = Date.now() + seconds * 1000;
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
console.log(JSON.stringify({ execsPerSec: Math.round(calls / seconds) }));
