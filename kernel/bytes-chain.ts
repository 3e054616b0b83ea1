// AssemblyScript, compiled to dist/mutator/bytes-chain.wasm by scripts/build.mjs (asc).
//
// The mutator's per-input path for a target with one bytes argument, in WebAssembly: the chain
// (reset to the base, chain length), the draw among mutation kinds with its retries, and every
// bytes mutation. src/mutator/kernel.ts drives it; src/mutator/{mutator,args,bytes,common,cmp}.ts are
// the definition it follows draw for draw, and kernel.test.ts checks whole sequences against it.
//
// Why: in JavaScript the draw among ~28 kinds calls functions V8 cannot inline and the chain around
// it chases objects; here the kinds are cases of one switch over values in linear memory.
//
// Memory: src/mutator/kernel.ts allocates every buffer (above __heap_base) and writes a context
// header (offsets below) per mutator; this module never allocates. One call works on one context,
// loaded into globals on entry and stored back on exit.

// Context header, byte offsets (all 32-bit fields).
const S0: usize = 0; // generator state s0..s3 (xoshiro128**, as src/util/rng.ts)
const C0: usize = 16; // the generator state at the start of the current chain
const LEN: usize = 32;
const MAX: usize = 36;
const BASE_LEN: usize = 40;
const STEP: usize = 44;
const CHAIN_LEN: usize = 48;
const PRISTINE: usize = 52;
const DIRTY: usize = 56;
const WORK: usize = 64;
const BASE: usize = 68;
const TABLE: usize = 72; // kind ids (u8), TABLE_N of them
const TABLE_N: usize = 76;
const GROW: usize = 80; // kind ids for an empty value
const GROW_N: usize = 84;
const TOK_N: usize = 88; // dictionary tokens: TOK_N (pointer, length) pairs at TOK
const TOK: usize = 92;
const DON_N: usize = 96; // splice donors, likewise
const DON: usize = 100;
const CTOK_N: usize = 104; // comparison operands to insert, likewise
const CTOK: usize = 108;
const CREP_N: usize = 112; // comparison replacements: entries (needle, replacement)
const CREP_UNITS: usize = 116; // their bytes
const CREP_SPANS: usize = 120; // i32 × 4 per entry: needle start, length, replacement start, length
const CMETA: usize = 124; // cmp.ts setCmpBase's cmpMeta (i32 × 2 per entry), for the current base
const HOT: usize = 128; // cmp.ts cmpHot (i32 entry indices), HOT_N of them
const HOT_N: usize = 132;
const CBASE_WHOLE: usize = 136; // 1 when cmp.ts keeps the base as cmpBase (searched whole)

// Kind ids: the order of src/mutator/kernel.ts KINDS.
const enum Kind {
  Remove,
  InsertRandom,
  Duplicate,
  Copy,
  BitFlip,
  Xor,
  SwapByte,
  Arith8,
  Arith16,
  Arith32,
  Arith64,
  Interesting8,
  Interesting16,
  Interesting32,
  InsertConstant,
  OverwriteConstant,
  Shuffle,
  SwapRanges,
  AsciiDigit,
  AsciiCase,
  Truncate,
  InsertToken,
  OverwriteToken,
  SpliceInsert,
  Crossover,
  CmpInsert,
  CmpReplace,
}

const CHAIN_MAX: u32 = 5; // src/mutator/mutator.ts CHAIN_MAX
const TRIES_MAX = 64; // src/mutator/common.ts mutateWith

// advance()'s result: bit 0 a chain started; the value's length in the bits above.
const STARTED = 1;

// Go's interesting values (src/mutator/common.ts).
const INTERESTING8 = memory.data<i32>([-128, -1, 0, 1, 16, 32, 64, 100, 127]);
const INTERESTING16 = memory.data<i32>([-32768, -129, 128, 255, 256, 512, 1000, 1024, 4096, 32767, -128, -1, 0, 1, 16, 32, 64, 100, 127]);
const INTERESTING32 = memory.data<i32>([
  -2147483648, -100663046, -32769, 32768, 65535, 65536, 100663045, 2147483647,
  -32768, -129, 128, 255, 256, 512, 1000, 1024, 4096, 32767, -128, -1, 0, 1, 16, 32, 64, 100, 127,
]);

let ctx: usize = 0;
let s0: u32 = 0;
let s1: u32 = 0;
let s2: u32 = 0;
let s3: u32 = 0;
let buf: usize = 0;
let len: u32 = 0;
let max: u32 = 0;

/** Where src/mutator/kernel.ts may start allocating. */
export function heapBase(): usize {
  return __heap_base;
}

@inline function enter(c: usize): void {
  ctx = c;
  s0 = load<u32>(c, S0);
  s1 = load<u32>(c, S0 + 4);
  s2 = load<u32>(c, S0 + 8);
  s3 = load<u32>(c, S0 + 12);
  buf = load<u32>(c, WORK);
  len = load<u32>(c, LEN);
  max = load<u32>(c, MAX);
}

@inline function leave(): void {
  const c = ctx;
  store<u32>(c, s0, S0);
  store<u32>(c, s1, S0 + 4);
  store<u32>(c, s2, S0 + 8);
  store<u32>(c, s3, S0 + 12);
  store<u32>(c, len, LEN);
}

// --- random numbers: src/util/rng.ts, draw for draw

// (The state is read into locals and written back once: updated in place, each global was stored
// and at once loaded again, a chain of store-to-load waits on every draw.)
@inline function next32(): u32 {
  const a = s0;
  const b = s1;
  const c = s2 ^ a;
  const d = s3 ^ b;
  s0 = a ^ d;
  s1 = b ^ c;
  s2 = c ^ (b << 9);
  s3 = rotl<u32>(d, 11);
  return rotl<u32>(b * 5, 7) * 9;
}

/** Rng.below(n), n in 1..2^32−1. */
@inline function below(n: u32): u32 {
  if (n <= 0x10000) {
    const m = (next32() >>> 16) * n;
    if ((m & 0xffff) >= n) return m >>> 16;
    return rejectSmall(m, n);
  }
  return belowLarge(n);
}

function rejectSmall(m: u32, n: u32): u32 {
  const threshold: u32 = (<u32>0x10000 - n) % n;
  while ((m & 0xffff) < threshold) m = (next32() >>> 16) * n;
  return m >>> 16;
}

function belowLarge(n: u32): u32 {
  if (n <= 0x200000) {
    let m = <u64>next32() * <u64>n;
    let low = <u32>m;
    if (low < n) {
      const threshold = <u32>((0x100000000 - <u64>n) % <u64>n);
      while (low < threshold) {
        m = <u64>next32() * <u64>n;
        low = <u32>m;
      }
    }
    return <u32>(m >> 32);
  }
  const limit: u64 = <u64>0x100000000 - (<u64>0x100000000 % <u64>n);
  let x = next32();
  while (<u64>x >= limit) x = next32();
  return x % n;
}

@inline function coin(): bool {
  return next32() >= 0x80000000;
}

@inline function umin(a: u32, b: u32): u32 {
  return a < b ? a : b;
}

/** Go's chooseLen (src/mutator/common.ts). */
function chooseLen(n: u32): u32 {
  const x = below(100);
  if (x < 90) return 1 + below(n < 8 ? n : 8);
  if (x < 99) return 1 + below(n < 32 ? n : 32);
  return 1 + below(n);
}

@inline function otherPos(n: u32, a: u32): u32 {
  const b = below(n - 1);
  return b >= a ? b + 1 : b;
}

// --- buffer pieces: src/mutator/common.ts

/**
 * memmove. Up to SMALL bytes without a loop: every load of a size class (the first and the last
 * 8, 16 or 32 bytes, in words that may overlap) before any store, so overlapping ranges move as
 * memmove does; memory.copy and memory.fill are calls into the engine (V8 11, node 20), which cost
 * more than that over a short value. (A byte loop before: its exit mispredicted with every new
 * length, and insertions, deletions and splices of short values cost ~20 ns more.)
 */
const SMALL: u32 = 64;
function move(dst: usize, src: usize, n: u32): void {
  const e = <usize>n;
  if (n <= 16) {
    if (n >= 8) {
      const a = load<u64>(src);
      const b = load<u64>(src + e - 8);
      store<u64>(dst, a);
      store<u64>(dst + e - 8, b);
    } else if (n >= 4) {
      const a = load<u32>(src);
      const b = load<u32>(src + e - 4);
      store<u32>(dst, a);
      store<u32>(dst + e - 4, b);
    } else if (n >= 2) {
      const a = load<u16>(src);
      const b = load<u16>(src + e - 2);
      store<u16>(dst, a);
      store<u16>(dst + e - 2, b);
    } else if (n == 1) {
      store<u8>(dst, load<u8>(src));
    }
  } else if (n <= 32) {
    const a = load<u64>(src);
    const b = load<u64>(src + 8);
    const c = load<u64>(src + e - 16);
    const d = load<u64>(src + e - 8);
    store<u64>(dst, a);
    store<u64>(dst + 8, b);
    store<u64>(dst + e - 16, c);
    store<u64>(dst + e - 8, d);
  } else if (n <= SMALL) {
    const a = load<u64>(src);
    const b = load<u64>(src + 8);
    const c = load<u64>(src + 16);
    const d = load<u64>(src + 24);
    const f = load<u64>(src + e - 32);
    const g = load<u64>(src + e - 24);
    const h = load<u64>(src + e - 16);
    const k = load<u64>(src + e - 8);
    store<u64>(dst, a);
    store<u64>(dst + 8, b);
    store<u64>(dst + 16, c);
    store<u64>(dst + 24, d);
    store<u64>(dst + e - 32, f);
    store<u64>(dst + e - 24, g);
    store<u64>(dst + e - 16, h);
    store<u64>(dst + e - 8, k);
  } else {
    memory.copy(dst, src, n);
  }
}

/** memset; up to SMALL bytes in words that may overlap (see move). */
function fill(dst: usize, v: u8, n: u32): void {
  if (n > SMALL) {
    memory.fill(dst, v, n);
    return;
  }
  const e = <usize>n;
  const x = <u64>v * 0x0101010101010101;
  if (n >= 8) {
    for (let i: usize = 0; i + 8 < e; i += 8) store<u64>(dst + i, x);
    store<u64>(dst + e - 8, x);
  } else if (n >= 4) {
    store<u32>(dst, <u32>x);
    store<u32>(dst + e - 4, <u32>x);
  } else if (n >= 2) {
    store<u16>(dst, <u16>x);
    store<u16>(dst + e - 2, <u16>x);
  } else if (n == 1) {
    store<u8>(dst, v);
  }
}

@inline function at(p: u32): usize {
  return buf + <usize>p;
}

function openGap(pos: u32, n: u32): void {
  move(at(pos + n), at(pos), len - pos);
  len += n;
}

function closeGap(pos: u32, n: u32): void {
  move(at(pos), at(pos + n), len - pos - n);
  len -= n;
}

function duplicateWithin(s: u32, n: u32, d: u32): void {
  openGap(d, n);
  if (s + n <= d) {
    move(at(d), at(s), n);
  } else if (s >= d) {
    move(at(d), at(s + n), n);
  } else {
    const a = d - s;
    move(at(d), at(s), a);
    move(at(d + a), at(d + n), n - a);
  }
}

function addAt(pos: u32, width: u32, delta: i32, bigEndian: bool): void {
  let carry = delta;
  for (let i: u32 = 0; i < width && carry != 0; i++) {
    const k = bigEndian ? pos + width - 1 - i : pos + i;
    const s = <i32>load<u8>(at(k)) + carry;
    store<u8>(at(k), <u8>s);
    carry = s >> 8;
  }
}

function putAt(pos: u32, width: u32, v: i32, bigEndian: bool): void {
  for (let i: u32 = 0; i < width; i++, v >>= 8) store<u8>(at(bigEndian ? pos + width - 1 - i : pos + i), <u8>v);
}

@inline function swapAt(a: usize, b: usize): void {
  const t = load<u8>(a);
  store<u8>(a, load<u8>(b));
  store<u8>(b, t);
}

/** buf[pos..pos+m) := src[0..n) (len + n − m ≤ max). */
function replaceWith(pos: u32, m: u32, src: usize, n: u32): void {
  move(at(pos + n), at(pos + m), len - pos - m);
  len += n - m;
  move(at(pos), src, n);
}

// --- the mutations: src/mutator/bytes.ts and cmp.ts cmpInsert, draw for draw

@inline function remove(): bool {
  if (len < 2) return false;
  const pos = below(len);
  closeGap(pos, chooseLen(len - pos));
  return true;
}

/**
 * Go InsertRandomBytes (`constant` false, at most 1024) and InsertConstantBytes (true, at most
 * 4096): at pos in 0..len, inserts chooseLen(min(limit, room)) random bytes, or copies of one.
 */
@inline function insert(limit: u32, constant: bool): bool {
  const room = max - len;
  if (room < 1) return false;
  const pos = below(len + 1);
  const n = chooseLen(room < limit ? room : limit);
  openGap(pos, n);
  if (constant) {
    fill(at(pos), <u8>below(256), n);
    return true;
  }
  for (let i: u32 = 0; i < n; i += 4) {
    let x = next32();
    const end = i + 4 < n ? i + 4 : n;
    for (let j = i; j < end; j++, x >>>= 8) store<u8>(at(pos + j), <u8>x);
  }
  return true;
}

@inline function duplicate(): bool {
  const room = max - len;
  if (len < 1 || room < 1) return false;
  const src = below(len);
  const n = chooseLen(umin(len - src, room));
  duplicateWithin(src, n, below(len + 1));
  return true;
}

@inline function copy(): bool {
  if (len < 2) return false;
  const src = below(len);
  const dst = otherPos(len, src);
  const n = chooseLen(len - src);
  move(at(dst), at(src), umin(n, len - dst));
  return true;
}

@inline function bitFlip(): bool {
  if (len < 1) return false;
  const p = at(below(len));
  store<u8>(p, load<u8>(p) ^ <u8>(<u32>1 << below(8)));
  return true;
}

@inline function xor(): bool {
  if (len < 1) return false;
  const p = at(below(len));
  store<u8>(p, load<u8>(p) ^ <u8>(1 + below(255)));
  return true;
}

@inline function swapByte(): bool {
  if (len < 2) return false;
  const a = below(len);
  swapAt(at(a), at(otherPos(len, a)));
  return true;
}

@inline function arith(width: u32): bool {
  if (len < width) return false;
  const pos = below(len - width + 1);
  const v = <i32>(1 + below(35));
  const delta = coin() ? v : -v;
  addAt(pos, width, delta, coin());
  return true;
}

@inline function interesting8(): bool {
  if (len < 1) return false;
  const pos = below(len);
  store<u8>(at(pos), <u8>load<i32>(INTERESTING8 + (<usize>below(9) << 2)));
  return true;
}

/** Go OverwriteInterestingUint16/32: `width` bytes := a value of `table` (`count` of them), random byte order. */
@inline function interesting(width: u32, table: usize, count: u32): bool {
  if (len < width) return false;
  const pos = below(len - width + 1);
  const v = load<i32>(table + (<usize>below(count) << 2));
  putAt(pos, width, v, coin());
  return true;
}

@inline function overwriteConstant(): bool {
  if (len < 1) return false;
  const pos = below(len);
  const n = chooseLen(len - pos);
  fill(at(pos), <u8>below(256), n);
  return true;
}

@inline function shuffle(): bool {
  if (len < 2) return false;
  const pos = below(len - 1);
  const n = chooseLen(len - pos);
  if (n < 2) return false;
  for (let i = n - 1; i > 0; i--) {
    swapAt(at(pos + i), at(pos + below(i + 1)));
  }
  return true;
}

@inline function swapRanges(): bool {
  if (len < 2) return false;
  const p = below(len);
  const q = otherPos(len, p);
  const a = p < q ? p : q;
  const b = p < q ? q : p;
  const n = umin(chooseLen(len - b), b - a);
  for (let i: u32 = 0; i < n; i++) swapAt(at(a + i), at(b + i));
  return true;
}

/** The first position p < start+64 from a random start with lo ≤ buf[p]|mask ≤ hi, or −1. */
function scan(lo: u32, hi: u32, mask: u32): i32 {
  const start = below(len);
  const end = umin(len, start + 64);
  for (let p = start; p < end; p++) {
    const c = <u32>load<u8>(at(p)) | mask;
    if (c >= lo && c <= hi) return <i32>p;
  }
  return -1;
}

@inline function asciiDigit(): bool {
  if (len < 1) return false;
  const p = scan(0x30, 0x39, 0);
  if (p < 0) return false;
  const q = at(<u32>p);
  store<u8>(q, <u8>(0x30 + otherPos(10, <u32>load<u8>(q) - 0x30)));
  return true;
}

@inline function asciiCase(): bool {
  if (len < 1) return false;
  const p = scan(0x61, 0x7a, 0x20);
  if (p < 0) return false;
  const q = at(<u32>p);
  store<u8>(q, load<u8>(q) ^ 0x20);
  return true;
}

@inline function truncate(): bool {
  if (len < 1) return false;
  len = below(len);
  return true;
}

/**
 * A random item of a kernel list (its count at ctx + countAt, its pairs at the pointer at
 * ctx + listAt): the address of its (pointer, length) pair, or 0 for an empty list (no draw).
 */
@inline function pickItem(countAt: usize, listAt: usize): usize {
  const count = load<u32>(ctx + countAt);
  if (count == 0) return 0;
  return <usize>load<u32>(ctx + listAt) + (<usize>below(count) << 3);
}
@inline function itemPtr(item: usize): usize {
  return <usize>load<u32>(item);
}
@inline function itemLen(item: usize): u32 {
  return load<u32>(item, 4);
}

@inline function insertToken(): bool {
  const t = pickItem(TOK_N, TOK);
  if (t == 0) return false;
  const tl = itemLen(t);
  if (tl > max - len) return false;
  replaceWith(below(len + 1), 0, itemPtr(t), tl);
  return true;
}

@inline function overwriteToken(): bool {
  const t = pickItem(TOK_N, TOK);
  if (t == 0) return false;
  const tl = itemLen(t);
  const pos = len > 0 ? below(len) : 0;
  const end = pos + tl;
  if (end > max) return false;
  if (end > len) len = end;
  move(at(pos), itemPtr(t), tl);
  return true;
}

@inline function spliceInsert(): bool {
  const room = max - len;
  if (room < 1) return false;
  const d = pickItem(DON_N, DON);
  if (d == 0) return false;
  const dl = itemLen(d);
  const s = below(dl);
  const n = chooseLen(umin(dl - s, room));
  replaceWith(below(len + 1), 0, itemPtr(d) + <usize>s, n);
  return true;
}

@inline function crossover(): bool {
  const d = pickItem(DON_N, DON);
  if (d == 0) return false;
  const dl = itemLen(d);
  const a = below(len + 1);
  const s = below(dl);
  const n = <i32>umin(dl - s, max - a);
  if (n <= 0) return false;
  move(at(a), itemPtr(d) + <usize>s, <u32>n);
  len = a + <u32>n;
  return true;
}

@inline function cmpInsert(): bool {
  const t = pickItem(CTOK_N, CTOK);
  if (t == 0) return false;
  const tl = itemLen(t);
  const k = below(4);
  const pos = k == 0 ? 0 : k == 1 ? len : below(len + 1);
  const over = coin() ? umin(tl, len - pos) : 0;
  if (len - over + tl > max) return false;
  replaceWith(pos, over, itemPtr(t), tl);
  return true;
}

/** The common prefix of the value and the base (eight bytes a step, then bytes). */
function prefixWithBase(base: usize, baseLen: u32): i32 {
  const m = umin(len, baseLen);
  let a: u32 = 0;
  while (a + 8 <= m) {
    const x = load<u64>(at(a)) ^ load<u64>(base + <usize>a);
    if (x != 0) return <i32>(a + <u32>(ctz<u64>(x) >> 3)); // (little-endian: the first byte that differs)
    a += 8;
  }
  while (a < m && load<u8>(at(a)) == load<u8>(base + <usize>a)) a++;
  return <i32>a;
}

/** The common suffix of the value and the base that does not overlap their common prefix a. */
function suffixWithBase(base: usize, baseLen: u32, a: u32): i32 {
  const m = umin(len, baseLen) - a;
  let b: u32 = 0;
  while (b + 8 <= m) {
    const x = load<u64>(at(len - 8 - b)) ^ load<u64>(base + <usize>(baseLen - 8 - b));
    if (x != 0) return <i32>(b + <u32>(clz<u64>(x) >> 3)); // (the last byte that differs)
    b += 8;
  }
  while (b < m && load<u8>(at(len - 1 - b)) == load<u8>(base + <usize>(baseLen - 1 - b))) b++;
  return <i32>b;
}

/** cmp.ts findIn/findEnds: the first p in [from, to] where needle[0..n) occurs, or −1. */
function findIn(needle: usize, n: i32, from: i32, to: i32): i32 {
  const d = n - 1;
  const first = load<u8>(needle);
  const last = load<u8>(needle + <usize>d);
  for (let p = from; p <= to; p++) {
    if (load<u8>(at(<u32>p)) != first || load<u8>(at(<u32>(p + d))) != last) continue;
    let k = 1;
    while (k < d && load<u8>(at(<u32>(p + k))) == load<u8>(needle + <usize>k)) k++;
    if (k >= d) return p;
  }
  return -1;
}

/** cmp.ts findFrom: the first occurrence at or after start, else the first before it, else −1. */
function findFrom(needle: usize, n: i32, start: i32): i32 {
  const last = <i32>len - n;
  const p = findIn(needle, n, start, last);
  if (p >= 0 || start == 0) return p;
  return findIn(needle, n, 0, start - 1 < last ? start - 1 : last);
}

/** cmp.ts findFromWithin: findFrom restricted to [lo, hi]. */
function findFromWithin(needle: usize, n: i32, start: i32, lo: i32, hi: i32): i32 {
  const p = findIn(needle, n, start > lo ? start : lo, hi);
  if (p >= 0 || start <= lo) return p;
  return findIn(needle, n, lo, start - 1 < hi ? start - 1 : hi);
}

/** cmp.ts cmpReplace, draw for draw (its comment says why the search is restricted). */
function cmpReplace(): bool {
  const c = ctx;
  const entries = load<u32>(c, CREP_N);
  const hotN = load<u32>(c, HOT_N);
  if (entries == 0 || len == 0) return false;
  const hot = <usize>load<u32>(c, HOT);
  const meta = <usize>load<u32>(c, CMETA);
  const spans = <usize>load<u32>(c, CREP_SPANS);
  const units = <usize>load<u32>(c, CREP_UNITS);
  const whole = load<u32>(c, CBASE_WHOLE) != 0;
  let a: i32 = -1;
  let b: i32 = 0;
  for (let t = 0; t < 2; t++) {
    const k = hotN > 0 && below(4) != 0 ? load<u32>(hot + (<usize>below(hotN) << 2)) : below(entries);
    const row = spans + (<usize>k << 4);
    const nl = load<u32>(row, 4);
    const rl = load<u32>(row, 12);
    if (nl > len || len - nl + rl > max) continue;
    const start = <i32>below(len - nl + 1);
    const needle = units + <usize>load<u32>(row);
    let pos: i32;
    if (whole && (load<u32>(meta + (<usize>k << 3)) & 0x8000) == 0) {
      if (a < 0) {
        const base = <usize>load<u32>(c, BASE);
        const baseLen = load<u32>(c, BASE_LEN);
        const pristine = load<u32>(c, PRISTINE) != 0;
        a = pristine ? <i32>len : prefixWithBase(base, baseLen);
        b = pristine ? 0 : suffixWithBase(base, baseLen, <u32>a);
      }
      const lo = a - <i32>nl + 1 > 0 ? a - <i32>nl + 1 : 0;
      const hi = <i32>len - b - 1 < <i32>len - <i32>nl ? <i32>len - b - 1 : <i32>len - <i32>nl;
      if (lo > hi) continue;
      pos = findFromWithin(needle, <i32>nl, start, lo, hi);
    } else {
      pos = findFrom(needle, <i32>nl, start);
    }
    if (pos < 0) continue;
    replaceWith(<u32>pos, nl, units + <usize>load<u32>(row, 8), rl);
    return true;
  }
  return false;
}

@inline function apply(k: u32): bool {
  switch (k) {
    case Kind.Remove: return remove();
    case Kind.InsertRandom: return insert(1024, false);
    case Kind.Duplicate: return duplicate();
    case Kind.Copy: return copy();
    case Kind.BitFlip: return bitFlip();
    case Kind.Xor: return xor();
    case Kind.SwapByte: return swapByte();
    case Kind.Arith8: return arith(1);
    case Kind.Arith16: return arith(2);
    case Kind.Arith32: return arith(4);
    case Kind.Arith64: return arith(8);
    case Kind.Interesting8: return interesting8();
    case Kind.Interesting16: return interesting(2, INTERESTING16, 19);
    case Kind.Interesting32: return interesting(4, INTERESTING32, 27);
    case Kind.InsertConstant: return insert(4096, true);
    case Kind.OverwriteConstant: return overwriteConstant();
    case Kind.Shuffle: return shuffle();
    case Kind.SwapRanges: return swapRanges();
    case Kind.AsciiDigit: return asciiDigit();
    case Kind.AsciiCase: return asciiCase();
    case Kind.Truncate: return truncate();
    case Kind.InsertToken: return insertToken();
    case Kind.OverwriteToken: return overwriteToken();
    case Kind.SpliceInsert: return spliceInsert();
    case Kind.Crossover: return crossover();
    case Kind.CmpInsert: return cmpInsert();
    case Kind.CmpReplace: return cmpReplace();
    default: unreachable();
  }
  return false;
}

// --- the chain: src/mutator/mutator.ts advance() for one bytes argument

/** The end of a step: `applied` marks the value changed; the chain moves on. */
@inline function finish(applied: bool): i32 {
  const c = ctx;
  if (applied) {
    store<u32>(c, 0, PRISTINE);
    store<u32>(c, 1, DIRTY);
  }
  let step = load<u32>(c, STEP) + 1;
  if (step == load<u32>(c, CHAIN_LEN)) step = 0;
  store<u32>(c, step, STEP);
  leave();
  return <i32>(len << 2);
}

/** mutateWith: draws until a kind applies (at most 64 tries). */
@inline function draw(): i32 {
  const c = ctx;
  const empty = len == 0;
  const table = <usize>load<u32>(c + (empty ? GROW : TABLE));
  const n = load<u32>(c + (empty ? GROW_N : TABLE_N));
  if (n == 0) return finish(false);
  for (let tries = 0; tries < TRIES_MAX; tries++) {
    if (apply(<u32>load<u8>(table + <usize>below(n)))) return finish(true);
  }
  return finish(false);
}

/** Puts the base back as the value (the context's reset). */
export function reset(c: usize): void {
  const n = load<u32>(c, BASE_LEN);
  move(<usize>load<u32>(c, WORK), <usize>load<u32>(c, BASE), n);
  store<u32>(c, n, LEN);
  store<u32>(c, 1, PRISTINE);
  store<u32>(c, 0, DIRTY);
}

/** The next input's step. Returns STARTED if it started a chain | the value's length << 2. */
export function advance(c: usize): i32 {
  let started = 0;
  if (load<u32>(c, STEP) == 0) {
    started = STARTED;
    store<u64>(c, load<u64>(c, S0), C0);
    store<u64>(c, load<u64>(c, S0 + 8), C0 + 8);
    if (load<u32>(c, DIRTY) != 0) reset(c);
  }
  enter(c);
  if (started != 0) store<u32>(c, 1 + below(CHAIN_MAX), CHAIN_LEN);
  return started | draw();
}
