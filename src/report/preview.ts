/**
 * Readable renderings of an input: a short preview per argument for reports, and the same input as
 * a pasteable TypeScript seed line, `f.add(new Uint8Array([0x89, 0x50]), 3, "x\u0000")`.
 * Pure functions; used by the failure report and by `tsfuzz` summaries.
 */
import type { Kind, Value } from '../values/kinds.js';

/** A JavaScript string literal that round-trips any string (lone surrogates included). */
export function jsString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c >= 0x20 && c < 0x7f) out += s[i];
    else out += '\\u' + c.toString(16).padStart(4, '0');
  }
  return out + '"';
}

function numberLiteral(n: number, kind: Kind): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (Object.is(n, -0)) return '-0';
  const s = String(n);
  return kind.kind === 'float32' && Math.fround(n) === n && !Number.isInteger(n) ? `Math.fround(${s})` : s;
}

/** A TypeScript expression for one value. */
export function valueLiteral(v: Value, kind: Kind): string {
  if (v instanceof Uint8Array) {
    const printable = v.length > 0 && v.every((b) => (b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x09);
    if (printable) return `new TextEncoder().encode(${jsString(Buffer.from(v).toString('latin1'))})`;
    return `new Uint8Array([${Array.from(v, (b) => '0x' + b.toString(16).padStart(2, '0')).join(', ')}])`;
  }
  if (typeof v === 'string') return jsString(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return numberLiteral(v, kind);
  return String(v);
}

/** The input as a seed line for the fuzz file. */
export function seedLine(kinds: readonly Kind[], values: readonly Value[]): string {
  return `f.add(${values.map((v, i) => valueLiteral(v, kinds[i])).join(', ')});`;
}

const PREVIEW_BYTES = 64;

/** One short line per argument: `bytes[5] "GIF\x00\xff"`, `uint8 200`. */
export function previewValues(kinds: readonly Kind[], values: readonly Value[]): string[] {
  return values.map((v, i) => {
    const k = kinds[i].kind;
    if (v instanceof Uint8Array) {
      const shown = Array.from(v.subarray(0, PREVIEW_BYTES), (b) =>
        b >= 0x20 && b < 0x7f && b !== 0x5c && b !== 0x22 ? String.fromCharCode(b) : '\\x' + b.toString(16).padStart(2, '0'),
      ).join('');
      return `${k}[${v.length}] "${shown}"${v.length > PREVIEW_BYTES ? '…' : ''}`;
    }
    if (typeof v === 'string') {
      const lit = jsString(v.length > PREVIEW_BYTES ? v.slice(0, PREVIEW_BYTES) : v);
      return `${k}[${v.length}] ${lit}${v.length > PREVIEW_BYTES ? '…' : ''}`;
    }
    return `${k} ${valueLiteral(v, kinds[i])}`;
  });
}
