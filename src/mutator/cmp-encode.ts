/**
 * How compared operands may appear in an input: byte encodings by family (raw bytes, UTF-8 text,
 * Latin-1, little/big-endian 1/2/4/8-byte integers, IEEE floats) and text forms, plus the
 * "replace this with that" lists derived from one traced comparison. Shared by i2s.ts (the
 * input-to-state stage) and cmp.ts (the comparison mutations). Rule: pure functions; the same
 * operands always give the same lists in the same order.
 */

import { CMP } from '../coverage/compare-ops.js';
import type { CmpValue, ComparePair } from '../coverage/trace.js';

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

export function isCmpValue(v: unknown): v is CmpValue {
  const t = typeof v;
  return t === 'string' || t === 'bigint' || (t === 'number' && v === v) || v instanceof Uint8Array;
}

/** A well-formed traced pair (CmpValue operands, integer op). */
export function isComparePair(p: unknown): p is ComparePair {
  if (typeof p !== 'object' || p === null) return false;
  const q = p as ComparePair;
  return Number.isInteger(q.op) && isCmpValue(q.left) && isCmpValue(q.right);
}

export function isOrdering(op: number): boolean {
  return op >= CMP.LT && op <= CMP.GE;
}

/** Ops whose left operand must contain the right one (startsWith, includes, indexOf…). */
export function isContainment(op: number): boolean {
  return (op >= CMP.STARTS_WITH && op <= CMP.LAST_INDEX_OF) || op === CMP.BYTES_INDEX_OF;
}

export function sameValue(a: CmpValue, b: CmpValue): boolean {
  if (a instanceof Uint8Array) return b instanceof Uint8Array && sameBytes(a, b);
  return a === b || (typeof a === 'number' && typeof b === 'number' && a !== a && b !== b);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A string key of an operand (for de-duplication). */
export function valueKey(v: CmpValue): string {
  if (v instanceof Uint8Array) {
    return 'b' + (v.length <= 64 ? String.fromCharCode.apply(null, v as unknown as number[]) : Buffer.from(v.buffer, v.byteOffset, v.length).toString('latin1'));
  }
  return (typeof v)[0] + (Object.is(v, -0) ? '-0' : String(v));
}

export function pairKey(p: ComparePair): string {
  const l = valueKey(p.left);
  return `${p.op}:${l.length}:${l}${valueKey(p.right)}`;
}

/** The integer an operand stands for: integer numbers (|v| < 2^64), bigints, decimal integer text. */
export function intOf(v: CmpValue): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 64 ? BigInt(v) : undefined;
  if (typeof v === 'string' && /^-?[0-9]{1,20}$/.test(v)) return BigInt(v);
  return undefined;
}

/** The number an operand stands for: numbers, bigints (rounded), decimal text; else undefined. */
export function numberOf(v: CmpValue): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(v)) return Number(v);
  return undefined;
}

function latin1(s: string): Uint8Array | undefined {
  const b = new Uint8Array(s.length);
  let wide = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) return undefined;
    if (c > 0x7f) wide = true;
    b[i] = c;
  }
  return wide ? b : undefined; // pure ASCII: the same as UTF-8
}

const f64 = new Float64Array(1);
const u64 = new BigInt64Array(f64.buffer);
/** The double next to x towards `dir` (±Infinity). */
export function nextAfter(x: number, dir: number): number {
  if (x !== x || x === dir) return x;
  if (x === 0) return dir > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE;
  f64[0] = x;
  u64[0] += (x > 0) === (dir > 0) ? 1n : -1n;
  return f64[0];
}

/** Writes the low 8·w bits of x (two's complement), little- or big-endian. */
export function encodeInt(x: bigint, w: number, be: boolean): Uint8Array {
  return encodeHalves(Number(BigInt.asUintN(32, x)), Number(BigInt.asUintN(32, x >> 32n)), w, be);
}

/** The low w bytes of the 64-bit pattern hi:lo (two unsigned 32-bit halves). */
function encodeHalves(lo: number, hi: number, w: number, be: boolean): Uint8Array {
  const b = new Uint8Array(w);
  for (let i = 0; i < w; i++) b[be ? w - 1 - i : i] = (i < 4 ? lo >>> (8 * i) : hi >>> (8 * (i - 4))) & 255;
  return b;
}

const LIMITS = [1, 2, 4, 8].map((w) => [-(1n << BigInt(8 * w - 1)), 1n << BigInt(8 * w)]);
export function fitsWidth(x: bigint, w: number): boolean {
  const [lo, hi] = LIMITS[w === 8 ? 3 : w >> 1];
  return x >= lo && x < hi;
}

const scratch = new DataView(new ArrayBuffer(8));
function encodeFloat(v: number, f32: boolean, be: boolean): Uint8Array {
  if (f32) scratch.setFloat32(0, v, !be);
  else scratch.setFloat64(0, v, !be);
  const b = new Uint8Array(f32 ? 4 : 8);
  for (let i = 0; i < b.length; i++) b[i] = scratch.getUint8(i);
  return b;
}

/** Families in the order replacements are tried. */
export const FAMILIES = [
  'raw', 'text', 'latin1', 'le4', 'be4', 'le8', 'be8', 'le2', 'be2', 'b1', 'f64le', 'f64be', 'f32le', 'f32be',
] as const;
export type Family = (typeof FAMILIES)[number];
const WIDTHS: readonly [number, Family, Family][] = [[4, 'le4', 'be4'], [8, 'le8', 'be8'], [2, 'le2', 'be2'], [1, 'b1', 'b1']];

/** The byte encodings of one operand, by family. */
export function byteForms(v: CmpValue): Map<Family, Uint8Array> {
  const m = new Map<Family, Uint8Array>();
  if (v instanceof Uint8Array) {
    m.set('raw', v);
    return m;
  }
  if (typeof v === 'string') {
    m.set('text', utf8.encode(v));
    const l = latin1(v);
    if (l) m.set('latin1', l);
    return m;
  }
  m.set('text', utf8.encode(String(v)));
  const i = intOf(v);
  if (i !== undefined) {
    const lo = Number(BigInt.asUintN(32, i));
    const hi = Number(BigInt.asUintN(32, i >> 32n));
    for (const [w, le, be] of WIDTHS) {
      if (!fitsWidth(i, w)) continue;
      m.set(le, encodeHalves(lo, hi, w, false));
      if (w > 1) m.set(be, encodeHalves(lo, hi, w, true));
    }
  }
  if (typeof v === 'number') {
    m.set('f64le', encodeFloat(v, false, false));
    m.set('f64be', encodeFloat(v, false, true));
    if (Math.fround(v) === v) {
      m.set('f32le', encodeFloat(v, true, false));
      m.set('f32be', encodeFloat(v, true, true));
    }
  }
  return m;
}

/** b ± 1 for numeric b (number or bigint), else nothing. */
function neighbours(b: CmpValue): CmpValue[] {
  if (typeof b === 'bigint') return [b + 1n, b - 1n];
  if (typeof b === 'number' && Number.isFinite(b)) return [b + 1, b - 1];
  return [];
}

function wantedIn(fam: Family, fb: Map<Family, Uint8Array>): Uint8Array[] {
  const x = fb.get(fam);
  if (x) return [x];
  if (fam === 'raw') return [fb.get('text'), fb.get('latin1')].filter((t): t is Uint8Array => t !== undefined);
  if (fam === 'text' || fam === 'latin1') return fb.has('raw') ? [fb.get('raw')!] : [];
  return [];
}

/**
 * [needle, replacement] byte pairs for "a was found in the input, the program wanted b": for each
 * family a has, b in the same family (raw bytes ↔ text across), and b ± 1 too for ordering ops.
 */
export function bytesReplacements(
  a: CmpValue, b: CmpValue, op: number, fa = byteForms(a), fb = byteForms(b),
): [Uint8Array, Uint8Array][] {
  const near = isOrdering(op) ? neighbours(b).map(byteForms) : [];
  const out: [Uint8Array, Uint8Array][] = [];
  for (const fam of FAMILIES) {
    const na = fa.get(fam);
    if (!na || na.length === 0) continue;
    for (const r of wantedIn(fam, fb)) if (!sameBytes(na, r)) out.push([na, r]);
    for (const f of near) {
      const r = f.get(fam);
      if (r && !fam.startsWith('f') && !sameBytes(na, r)) out.push([na, r]);
    }
  }
  return out;
}

/** Byte tokens to insert for an operand: raw bytes and text only, or every family. */
export function byteTokens(v: CmpValue, textOnly: boolean, f = byteForms(v)): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const fam of FAMILIES) {
    const t = f.get(fam);
    if (t && t.length > 0 && (!textOnly || fam === 'raw' || fam === 'text' || fam === 'latin1')) out.push(t);
  }
  return out;
}

/** Text forms of an operand: a string itself, a number's decimal text, bytes as Latin-1 and (if valid) UTF-8. */
export function textForms(v: CmpValue): string[] {
  if (typeof v === 'string') return [v];
  if (!(v instanceof Uint8Array)) return [String(v)];
  const l = Buffer.from(v.buffer, v.byteOffset, v.length).toString('latin1');
  try {
    const u = utf8Strict.decode(v);
    return u === l ? [l] : [u, l];
  } catch {
    return [l];
  }
}

/** [needle, replacement] string pairs: every text form of a by every text form of b (and b ± 1 for ordering ops). */
export function textReplacements(a: CmpValue, b: CmpValue, op: number): [string, string][] {
  const wanted = textForms(b);
  if (isOrdering(op)) for (const n of neighbours(b)) wanted.push(String(n));
  const out: [string, string][] = [];
  for (const na of textForms(a)) {
    if (na.length === 0) continue;
    for (const r of wanted) if (r !== na) out.push([na, r]);
  }
  return out;
}
