/**
 * Parsing of the budget and size flags: durations ("30s", "1m30s", "500ms"), execution counts
 * ("50000x") and memory sizes in MB. Called by the CLI; errors are UserErrors naming the flag.
 */
import { UserError } from './errors.js';

/** A run budget: wall-clock milliseconds or a count of executions. */
export type Budget = { kind: 'time'; ms: number } | { kind: 'execs'; n: number };

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go-style duration: "10s", "1m30s", "250ms", "2h"; a bare number means seconds. */
export function parseDuration(flag: string, text: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return positive(flag, text, Number(t) * 1000);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
  let ms = 0;
  let pos = 0;
  while (pos < t.length) {
    re.lastIndex = pos;
    const m = re.exec(t);
    if (!m) throw new UserError(`${flag}=${text}: not a duration; use e.g. 30s, 1m30s, 500ms`);
    ms += Number(m[1]) * UNIT_MS[m[2]];
    pos = re.lastIndex;
  }
  if (t.length === 0) throw new UserError(`${flag} needs a value, e.g. ${flag}=30s`);
  return positive(flag, text, ms);
}

function positive(flag: string, text: string, ms: number): number {
  if (!(ms > 0) || !Number.isFinite(ms)) throw new UserError(`${flag}=${text}: must be greater than zero`);
  return Math.round(ms);
}

/** Parses "30s" (time) or "50000x" (executions). */
export function parseBudget(flag: string, text: string): Budget {
  const m = /^(\d+)x$/.exec(text.trim());
  if (m) {
    const n = Number(m[1]);
    if (!(n > 0) || !Number.isSafeInteger(n)) throw new UserError(`${flag}=${text}: the execution count must be a whole number above zero`);
    return { kind: 'execs', n };
  }
  if (/x$/.test(text.trim())) throw new UserError(`${flag}=${text}: an execution count is a whole number followed by x, e.g. 50000x`);
  return { kind: 'time', ms: parseDuration(flag, text) };
}

/** Parses a whole number within [min, max]. */
export function parseCount(flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const t = text.trim();
  if (!/^\d+$/.test(t)) throw new UserError(`${flag}=${text}: must be a whole number`);
  const n = Number(t);
  if (n < min || n > max) throw new UserError(`${flag}=${text}: must be between ${min} and ${max}`);
  return n;
}

/** Formats milliseconds as Go does: 59s, 1m0s, 1h2m3s. */
export function formatElapsed(ms: number): string {
  let s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** Formats a duration flag value back for messages: 10000 → "10s", 1500 → "1.5s", 250 → "250ms". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}
