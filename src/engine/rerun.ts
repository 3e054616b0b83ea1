/**
 * [coordinator, regression] The one-line command printed with a failure to re-run exactly that
 * input: `npx tsfuzz test <file> --run=<Target>/<id>`, plus every flag of the run that can change
 * `tsfuzz test`'s verdict on it when it differs from its default — `--timeout` (a slow input is a
 * hang only under a shorter one) and `--memory-limit` (an input fails on memory only under its
 * limit). Flags that only steer the search (--seed, --max-len, --parallel …) are left out: they
 * do not change whether one given input fails. A path that the shell would split is quoted.
 */
import * as path from 'node:path';
import { formatDuration } from '../util/limits.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MEMORY_LIMIT_MB = 2048;

/** The limits a failure was judged with. */
export interface VerdictLimits {
  timeoutMs: number;
  memoryLimitMb: number;
}

/** The flags, in the order `--help` lists them, that reproduce `limits` (none for the defaults). */
export function verdictFlags(limits: VerdictLimits): string[] {
  const flags: string[] = [];
  if (limits.timeoutMs !== DEFAULT_TIMEOUT_MS) flags.push(`--timeout=${formatDuration(limits.timeoutMs)}`);
  if (limits.memoryLimitMb !== DEFAULT_MEMORY_LIMIT_MB) flags.push(`--memory-limit=${limits.memoryLimitMb}`);
  return flags;
}

/** A word the shell reads as itself: left bare when it holds only safe characters, else single-quoted. */
function shellWord(s: string): string {
  return /^[\w./:@%+=,#-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `<command> test <file relative to cwd> --run=<target>/<id> [flags]` (or `minimize`, which judges the same way). */
export function rerunCommand(
  command: string, file: string, target: string, id: string, limits: VerdictLimits, sub: 'test' | 'minimize' = 'test',
): string {
  const rel = path.relative(process.cwd(), file) || file;
  return [command, sub, shellWord(rel), shellWord(`--run=${target}/${id}`), ...verdictFlags(limits)].join(' ');
}
