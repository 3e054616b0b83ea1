/**
 * Text of everything the instrumenter inserts: counter sites, compare-helper calls and the module
 * prologue that claims a counter range from the coverage runtime (src/coverage/runtime.ts).
 * Used by visitor.ts (sites) and transform.ts (prologue). Site ids are handed out in visit order,
 * so the same source always yields the same ids (stable `file#index` keys).
 * Rule: the emitted code behaves exactly like the original, with or without the runtime present.
 */

/** Compare operators, in the numbering passed to the runtime's `cmp(site, l, r, op)` hook. */
export const COMPARE_OPS = ['===', '!==', '==', '!=', '<', '<=', '>', '>='] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];
export const COMPARE_OP_INDEX: Readonly<Record<string, number>> = Object.fromEntries(COMPARE_OPS.map((op, i) => [op, i]));

/** Identifier prefix of every inserted binding. */
export const PREFIX = '__tsfz_';
/** End marker of instrumented output; lets loaders refuse to instrument twice. */
export const INSTRUMENTED_MARKER = '//# tsfuzz-instrumented';

const C = `${PREFIX}C`;
const T = `${PREFIX}T`;
const B = `${PREFIX}b`;

export class SiteEmitter {
  /** Number of counter sites (edges) handed out. */
  edges = 0;
  /** Number of compare sites handed out. */
  compares = 0;
  /** Which compare helpers are used (index = op). */
  readonly opsUsed: boolean[] = new Array(COMPARE_OPS.length).fill(false);

  /** `esm`: the module uses `var` state that may be uninitialised in hoisted functions. */
  constructor(readonly esm: boolean) {}

  /** Claims a new edge id. */
  edge(): number {
    return this.edges++;
  }

  /** The increment of edge `k` as an expression (no side effect besides the coverage map). */
  hit(k: number, unsafe = false): string {
    const e = `(${C}[${B}+${k}]++||(${T}[++${T}[0]]=${B}+${k}))`;
    return unsafe ? `(${C}||${PREFIX}i(),${e})` : e;
  }

  /** A new edge as a statement. */
  stmt(unsafe = false): string {
    return this.hit(this.edge(), unsafe) + ';';
  }

  /** A new edge as the first element of a comma expression: `(<hit>, ` … `)`. */
  open(unsafe = false): string {
    return '(' + this.hit(this.edge(), unsafe) + ',';
  }

  /** Statement that initialises module state when a hoisted function runs before the module body. */
  guard(): string {
    return `${C}||${PREFIX}i();`;
  }

  /** Start of a compare-helper call for `op`; the site id goes into the closing text. */
  compare(op: string): { open: string; close: string } {
    const i = COMPARE_OP_INDEX[op];
    this.opsUsed[i] = true;
    return { open: `${PREFIX}q${i}(`, close: `,${this.compares++})` };
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
  prologue(key: string, literals: readonly string[]): string {
    const n = this.edges;
    const m = this.compares;
    const k = jsString(key);
    const r = `${PREFIX}r`;
    const s = `${PREFIX}s`;
    const init =
      `${r}=globalThis.__tsfuzzCov,` +
      `${B}=${r}?${r}.alloc(${k},${n}):0,` +
      `${T}=${r}?${r}.T:new Uint32Array(${n + 2}),` +
      `${s}=${r}&&${r}.allocCompare?${r}.allocCompare(${k},${m}):0,` +
      `${C}=${r}?${r}.C:new Uint32Array(${n + 1})`; // C last: it is the "initialised" flag
    // Literals go to the runtime once per load, for the automatic dictionary (if it wants them).
    const lits = literals.length ? `${r}&&${r}.addLiterals&&${r}.addLiterals(${k},[${literals.map(jsString).join(',')}]);` : '';
    let out = this.esm
      ? `var ${r},${B},${C},${T},${s};function ${PREFIX}i(){if(${C})return;${init};${lits}}${PREFIX}i();`
      : `const ${init};${lits}`;
    for (let i = 0; i < COMPARE_OPS.length; i++) {
      if (!this.opsUsed[i]) continue;
      out += `function ${PREFIX}q${i}(l,r,s){${PREFIX}r&&${PREFIX}r.cmp(${PREFIX}s+s,l,r,${i});return l${COMPARE_OPS[i]}r}`;
    }
    return out;
  }
}

/** A string literal that keeps the line structure: U+2028/2029 count as line breaks in V8. */
export function jsString(s: string): string {
  return JSON.stringify(s).replace(/[\u2028\u2029]/g, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
}
