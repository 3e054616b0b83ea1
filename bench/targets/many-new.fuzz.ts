// A target that keeps finding new inputs, so that most of its first executions are candidates
// (each new input's minimization and input-to-state): what the cost of the candidate file
// (src/engine/inflight.ts, CandidateFile) was measured on. Each byte falls in one of a few
// classes by its position mod 4, and the hit count of each class (AFL's buckets) is coverage; the
// class bounds are comparisons input-to-state solves. With --seed=1 and 1 worker, 6,110 of its
// first 10,000 executions are candidates.
import { fuzz, bytes } from 'tsfuzz';

fuzz('ManyNew', [bytes()], (t, d) => {
  let s = 0;
  for (let i = 0; i < d.length; i++) {
    const c = d[i];
    switch (i & 3) {
      case 0:
        if (c < 0x20) s++;
        else if (c < 0x40) s += 2;
        else if (c < 0x60) s += 3;
        else if (c < 0x80) s += 4;
        else s += 5;
        break;
      case 1:
        if (c === 0x41) s++;
        else if (c === 0x7b) s += 2;
        else if (c > 0xf0) s += 3;
        else s += 4;
        break;
      case 2:
        if (c % 3 === 0) s++;
        else if (c % 5 === 0) s += 2;
        else s += 3;
        break;
      default:
        if (c === 0) s++;
        else if (c === 0xff) s += 2;
        else s += 3;
    }
  }
  return s;
}).add(new TextEncoder().encode('hello world'));
