/**
 * Text of everything the instrumenter inserts: counter sites, compare-helper calls (operators,
 * switch cases, traced method calls) and the module prologue that claims a counter range and a
 * compare-site range from the coverage runtime (src/coverage/runtime.ts).
 * Used by visitor.ts (sites) and transform.ts (prologue). Site ids are handed out in visit order,
 * so the same source always yields the same ids (stable `file#index` keys). The snippets that
 * carry a number (a counter increment, a site id) travel through the edit list as numeric codes
 * (`hitCode`, `siteCode`) and are written straight into the output by `renderCode`: building one
 * string per site cost more than the rest of the instrumentation on large files.
 * Rule: the emitted code behaves exactly like the original, with or without the runtime present;
 * a helper only reports (`cmp(site, left, right, op)`, codes in coverage/compare-ops.ts) and
 * returns the value it was given, and it never runs user code (no getters, no Proxy traps).
 */
import { CMP } from '../coverage/compare-ops.js';
import { latin1Codes, type TextBuffer } from './text-buffer.js';

/** Compare operators, in the numbering passed to the runtime's `cmp(site, l, r, op)` hook. */
export const COMPARE_OPS = ['===', '!==', '==', '!=', '<', '<=', '>', '>='] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];
export const COMPARE_OP_INDEX: Readonly<Record<string, number>> = Object.fromEntries(COMPARE_OPS.map((op, i) => [op, i]));

/** Identifier prefix of every inserted binding. */
export const PREFIX = '__tsfz_';

const C = `${PREFIX}C`;
const T = `${PREFIX}T`;
const B = `${PREFIX}b`;
const R = `${PREFIX}r`;
const S = `${PREFIX}s`;
/** Module-level temporary holding the receiver of a traced call (or the first operand of Buffer.compare). */
export const RECV_TEMP = `${PREFIX}v`;
/** Block-scoped temporary holding a switch discriminant. */
export const SWITCH_TEMP = `${PREFIX}d`;
/** Trap-free brand check: %TypedArray%.prototype[@@toStringTag] getter, bound (undefined for non-typed-arrays). */
const TAG = `${PREFIX}tb`;
/** The global object, in modules that might shadow `globalThis` (see `prologue`). */
const GLOBAL = `${PREFIX}g`;

// The counter increment of edge k: `(C[b+k]++||(T[++T[0]]=b+k))`, in three constant parts.
const HIT_A = `(${C}[${B}+`;
const HIT_B = `]++||(${T}[++${T}[0]]=${B}+`;
const HIT_C = '))';
/** Prefix of an increment in code that may run before the module body (see `guard`). */
const UNSAFE_OPEN = `(${C}||${PREFIX}i(),`;
// The same, as character codes for renderCode (writing ~100k of them per MB of source).
const HIT_A_CODES = latin1Codes(HIT_A);
const HIT_B_CODES = latin1Codes(HIT_B);
const HIT_C_CODES = latin1Codes(HIT_C);
const UNSAFE_OPEN_CODES = latin1Codes(UNSAFE_OPEN);
const CLOSE_CODES = latin1Codes(')');
/** Opening of each compare helper call, by operator index. */
const COMPARE_OPEN: readonly string[] = COMPARE_OPS.map((_, i) => `${PREFIX}q${i}(`);

// Numeric snippet codes: value * 4 + kind.
const K_HIT = 0;
const K_HIT_UNSAFE = 1;
const K_SITE = 2;

/** No snippet (edits.ts). */
export const NO_CODE = -1;

/** Code of the increment of edge `k` (`unsafe`: guarded for hoisted functions, see `guard`). */
export function hitCode(k: number, unsafe = false): number {
  return k * 4 + (unsafe ? K_HIT_UNSAFE : K_HIT);
}

/** Code of a bare site id (the last argument of a compare-helper call). */
export function siteCode(site: number): number {
  return site * 4 + K_SITE;
}

/** Writes the text of a snippet code; the same text `hit` returns for a hit code. */
export function renderCode(out: TextBuffer, code: number): void {
  const kind = code % 4;
  const v = (code - kind) / 4;
  if (kind === K_SITE) {
    out.int(v);
    return;
  }
  if (kind === K_HIT_UNSAFE) out.codes(UNSAFE_OPEN_CODES);
  out.codes(HIT_A_CODES);
  out.int(v);
  out.codes(HIT_B_CODES);
  out.int(v);
  out.codes(HIT_C_CODES);
  if (kind === K_HIT_UNSAFE) out.codes(CLOSE_CODES);
}

/** The first character renderCode writes for a code (a digit for a site id, else `(`). */
export function renderedFirst(code: number): number {
  return code % 4 === K_SITE ? 48 : 40;
}

/** What a traced method reports, by receiver type. */
interface MethodHook {
  /** Op code when the receiver is a primitive string. */
  str?: number;
  /** Op code when the receiver is a Uint8Array (Buffer included). */
  bytes?: number;
  /** Op code when the receiver is any non-null object (Map/Set: the runtime checks the brand). */
  obj?: number;
}

/** Traced methods (`x.<name>(arg0, …)`, non-computed, non-optional call). */
export const METHOD_HOOKS: ReadonlyMap<string, MethodHook> = new Map<string, MethodHook>([
  ['startsWith', { str: CMP.STARTS_WITH }],
  ['endsWith', { str: CMP.ENDS_WITH }],
  ['includes', { str: CMP.INCLUDES, bytes: CMP.BYTES_INDEX_OF }],
  ['indexOf', { str: CMP.INDEX_OF, bytes: CMP.BYTES_INDEX_OF }],
  ['lastIndexOf', { str: CMP.LAST_INDEX_OF, bytes: CMP.BYTES_INDEX_OF }],
  ['localeCompare', { str: CMP.LOCALE_COMPARE }],
  ['equals', { bytes: CMP.BYTES_EQUALS }],
  ['compare', { bytes: CMP.BYTES_COMPARE }],
  ['has', { obj: CMP.MAP_HAS }],
  ['get', { obj: CMP.MAP_GET }],
]);

/** Name of the helper of a traced method (by its first op code, so names are stable). */
function methodHelper(h: MethodHook): string {
  return `${PREFIX}q${h.str ?? h.bytes ?? h.obj}`;
}

/** `cmp` call of a helper, guarded by the runtime being present. */
const report = (l: string, r: string, op: number): string => `${R}.cmp(${S}+s,${l},${r},${op})`;

/** Definition of a traced-method helper `(x, a, s) => a` that reports and returns the argument. */
function methodHelperSource(h: MethodHook): string {
  const name = methodHelper(h);
  const isBytes = `typeof x==='object'&&${TAG}(x)==='Uint8Array'`;
  let body: string;
  if (h.str !== undefined && h.bytes !== undefined) {
    body = `if(${R})typeof x==='string'?${report('x', 'a', h.str)}:${isBytes}&&${report('x', 'a', h.bytes)};`;
  } else if (h.str !== undefined) {
    body = `typeof x==='string'&&${R}&&${report('x', 'a', h.str)};`;
  } else if (h.bytes !== undefined) {
    body = `${R}&&${isBytes}&&${report('x', 'a', h.bytes)};`;
  } else {
    // Map/Set: left = the probe, right = the collection; the runtime checks the brand trap-free.
    body = `${R}&&typeof x==='object'&&x!==null&&${report('a', 'x', h.obj!)};`;
  }
  return `function ${name}(x,a,s){${body}return a}`;
}

export class SiteEmitter {
  /** Number of counter sites (edges) handed out. */
  edges = 0;
  /** Number of compare sites handed out. */
  compares = 0;
  /** Which compare helpers are used (index = op). */
  readonly opsUsed: boolean[] = new Array(COMPARE_OPS.length).fill(false);
  /** Other helpers used (name → definition), emitted in the prologue in first-use order. */
  private readonly helpers = new Map<string, string>();
  private usesRecvTemp = false;
  private usesTag = false;

  /** `esm`: the module uses `var` state that may be uninitialised in hoisted functions. */
  constructor(readonly esm: boolean) {}

  /** Claims a new edge id. */
  edge(): number {
    return this.edges++;
  }

  /** The increment of edge `k` as an expression (no side effect besides the coverage map). */
  hit(k: number, unsafe = false): string {
    const e = HIT_A + k + HIT_B + k + HIT_C;
    return unsafe ? UNSAFE_OPEN + e + ')' : e;
  }

  /** Statement that initialises module state when a hoisted function runs before the module body. */
  guard(): string {
    return `${C}||${PREFIX}i();`;
  }

  /** Start of a compare-helper call for `op` and its site id (the call ends `,<site>)`). */
  compare(op: string): { open: string; site: number } {
    const i = COMPARE_OP_INDEX[op];
    this.opsUsed[i] = true;
    return { open: COMPARE_OPEN[i], site: this.compares++ };
  }

  /** Claims a new compare-site id (same id space as the operators). */
  compareSite(): number {
    return this.compares++;
  }

  /**
   * Around a switch case test `e`: `<open>e,<site>)` reports (discriminant, e) and yields e.
   * The discriminant is read from the switch's block-scoped temporary (see visitor.ts).
   */
  switchCase(): { open: string; site: number } {
    const name = `${PREFIX}q${CMP.SWITCH_CASE}`;
    if (!this.helpers.has(name)) this.helpers.set(name, `function ${name}(d,v,s){${R}&&${report('d', 'v', CMP.SWITCH_CASE)};return v}`);
    return { open: `${name}(${SWITCH_TEMP},`, site: this.compareSite() };
  }

  /**
   * Around the first argument of a traced call `recv.<method>(arg0, …)`: `<open>arg0,<site>)`.
   * The helper gets the receiver (`recv`: its re-readable source text, or RECV_TEMP) and yields arg0.
   */
  methodArg(method: string, recv: string): { open: string; site: number } {
    const h = METHOD_HOOKS.get(method)!;
    const name = methodHelper(h);
    if (!this.helpers.has(name)) this.helpers.set(name, methodHelperSource(h));
    if (h.bytes !== undefined) this.usesTag = true;
    if (recv === RECV_TEMP) this.usesRecvTemp = true;
    return { open: `${name}(${recv},`, site: this.compareSite() };
  }

  /** `Buffer.compare(a, b)`: text around a (captured) and before b (then `b,<site>)`: reports (a, b), yields b). */
  bufferCompare(): { openA: string; closeA: string; openB: string; site: number } {
    const name = `${PREFIX}q${CMP.BYTES_COMPARE}s`;
    if (!this.helpers.has(name)) {
      this.helpers.set(name, `function ${name}(x,a,s){${R}&&typeof x==='object'&&${TAG}(x)==='Uint8Array'&&${report('x', 'a', CMP.BYTES_COMPARE)};return a}`);
    }
    this.usesTag = true;
    this.usesRecvTemp = true;
    return { openA: `(${RECV_TEMP}=`, closeA: ')', openB: `${name}(${RECV_TEMP},`, site: this.compareSite() };
  }

  /** Reads the current count of edge `k` (for the loop-skipped check). */
  count(k: number): string {
    return `${C}[${B}+${k}]`;
  }

  /**
   * Module prologue. CommonJS: `const` bindings (the wrapper runs it before anything else).
   * ESM: `var` bindings plus a hoisted initialiser, because hoisted functions of a module can be
   * called from a cyclic import before the module body (and a `const`) has run.
   */
  prologue(key: string, literals: readonly string[], mentionsGlobalThis: boolean): string {
    const n = this.edges;
    const m = this.compares;
    const k = jsString(key);
    const r = R;
    const s = S;
    // Globals are read through the global object: a module may shadow them (`const { Map } =
    // require(…)`), even `globalThis` itself (core-js: `var globalThis = require('../internals/
    // global-this')`, hoisted, so undefined when the prologue runs). A module that mentions
    // `globalThis` gets the global object from a function created by the Function constructor
    // (reached through `{}`: no identifier to shadow), whose sloppy `this` is the global object.
    const g = mentionsGlobalThis ? GLOBAL : 'globalThis';
    const global = mentionsGlobalThis ? `${GLOBAL}=({}).constructor.constructor("return this")(),` : '';
    const tag = this.usesTag
      ? `${TAG}=${r}?${g}.Function.prototype.call.bind(${g}.Object.getOwnPropertyDescriptor(` +
        `${g}.Object.getPrototypeOf(${g}.Uint8Array.prototype),${g}.Symbol.toStringTag).get):0,`
      : '';
    const init =
      global +
      `${r}=${g}.__tsfuzzCov,` +
      `${B}=${r}?${r}.alloc(${k},${n}):0,` +
      `${T}=${r}?${r}.T:new ${g}.Int32Array(${n + 2}),` +
      `${s}=${r}&&${r}.allocCompare?${r}.allocCompare(${k},${m}):0,` +
      tag +
      `${C}=${r}?${r}.C:new ${g}.Int32Array(${n + 1})`; // C last: it is the "initialised" flag
    // Literals go to the runtime once per load, for the automatic dictionary (if it wants them).
    const lits = literals.length ? `${r}&&${r}.addLiterals&&${r}.addLiterals(${k},[${literals.map(jsString).join(',')}]);` : '';
    const vars = `${mentionsGlobalThis ? GLOBAL + ',' : ''}${r},${B},${C},${T},${s}${this.usesTag ? ',' + TAG : ''}${this.usesRecvTemp ? ',' + RECV_TEMP : ''}`;
    let out = this.esm
      ? `var ${vars};function ${PREFIX}i(){if(${C})return;${init};${lits}}${PREFIX}i();`
      : `const ${init};${this.usesRecvTemp ? `let ${RECV_TEMP};` : ''}${lits}`;
    for (let i = 0; i < COMPARE_OPS.length; i++) {
      if (!this.opsUsed[i]) continue;
      out += `function ${PREFIX}q${i}(l,r,s){${PREFIX}r&&${PREFIX}r.cmp(${PREFIX}s+s,l,r,${i});return l${COMPARE_OPS[i]}r}`;
    }
    for (const def of this.helpers.values()) out += def;
    return out;
  }
}

/** A string literal that keeps the line structure: U+2028/2029 count as line breaks in V8. */
export function jsString(s: string): string {
  return JSON.stringify(s).replace(/[\u2028\u2029]/g, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
}
