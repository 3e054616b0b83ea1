/**
 * Failure signatures: the key that decides whether two failures are "the same bug".
 * A signature is the failure kind plus the top frames of the stack that belong to the user's
 * code (source-mapped paths relative to the project, function names, line numbers), with frames
 * of Node's internals and of tsfuzz itself removed and no message text (it often contains the
 * input). Used by workers (to report each bug once per batch) and by the coordinator (to report
 * and write each distinct failure once, with a count of repeats).
 * A stack overflow is keyed by the frames of its recursion cycle, wherever in the cycle it struck.
 * A hang is keyed by where the input was spinning (hangSignature): stacks sampled from the
 * execution thread before it was stopped (engine/hang-stack.ts).
 * Failures without a JavaScript stack (exits, aborts, memory, process deaths, and hangs whose
 * thread could not be sampled) are keyed by their kind plus what identifies them without one:
 * the exit code, the signal, "fatal" for a process-wide heap death, and for hangs "running"
 * (JavaScript was running but its stack could not be read), "idle" (no JavaScript was running:
 * the input awaits a promise that never settles) or "blocked" (the thread served no interrupt: a
 * system call, Atomics.wait, a long native call).
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the tsfuzz package; frames inside it are ours, not the user's. */
const OWN_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const OWN_DIST = path.join(OWN_ROOT, 'dist') + path.sep;
const OWN_SRC = path.join(OWN_ROOT, 'src') + path.sep;

export interface Frame {
  fn: string;
  file: string;
  line: number;
  col: number;
}

const FRAME_RE = /^\s*at (?:(.*?) \()?(.*?):(\d+):(\d+)\)?$/;

/** Parses the `at …` lines of a V8 stack. Frames without a location (native, eval) are skipped. */
export function parseStack(stack: string): Frame[] {
  const out: Frame[] = [];
  for (const line of stack.split('\n')) {
    const m = FRAME_RE.exec(line);
    if (!m) continue;
    let file = m[2];
    if (file.startsWith('file://')) {
      try {
        file = fileURLToPath(file);
      } catch {
        /* keep as is */
      }
    }
    out.push({ fn: (m[1] ?? '').replace(/^async /, '') || '<anonymous>', file, line: Number(m[3]), col: Number(m[4]) });
  }
  return out;
}

/** Whether a frame is in the user's code (or their dependencies), not Node's or tsfuzz's. */
export function isUserFrame(f: Frame): boolean {
  if (f.file.startsWith('node:') || f.file.startsWith('internal/') || !f.file.includes('/')) return false;
  if (f.file.startsWith(OWN_DIST) || f.file.startsWith(OWN_SRC)) return false;
  return true;
}

/** The first `n` user frames of a stack. */
export function userFrames(stack: string, n = 3): Frame[] {
  return parseStack(stack).filter(isUserFrame).slice(0, n);
}

/** How much of an error's message a report shows (a target may throw megabytes of it). */
export const MESSAGE_SHOWN = 4000;
/** How much of a failure's one-line headline a report shows. */
export const HEADLINE_SHOWN = 500;

/** `text` cut to `max` characters, saying how much was left out. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/**
 * Removes our own frames and Node's internals from a stack for display, keeping the message
 * lines (at most MESSAGE_SHOWN characters of them), and shows file URLs as paths relative to the
 * current folder.
 */
export function cleanStack(stack: string, cwd = process.cwd()): string {
  const out: string[] = [];
  let repeats = 0;
  const flush = () => {
    if (repeats > 0) out.push(`    … the frame above repeated ${repeats} more time${repeats === 1 ? '' : 's'}`);
    repeats = 0;
  };
  let textLeft = MESSAGE_SHOWN; // characters of message lines still shown
  let textCut = 0; // characters of message lines left out
  for (const l of stack.split('\n')) {
    if (!FRAME_RE.test(l)) {
      flush();
      if (l.length <= textLeft) {
        out.push(l);
        textLeft -= l.length + 1;
      } else {
        if (textLeft > 0) out.push(l.slice(0, textLeft));
        textCut += l.length - Math.max(textLeft, 0);
        textLeft = 0;
      }
      continue;
    }
    if (textCut > 0) {
      out.push(`    … (${textCut} more characters of the message)`);
      textCut = 0;
    }
    const f = parseStack(l)[0];
    if (!f || !isUserFrame(f)) continue;
    const rel = path.relative(cwd, f.file);
    const where = `${rel.startsWith('..') ? f.file : rel}:${f.line}:${f.col}`;
    const line = f.fn === '<anonymous>' ? `    at ${where}` : `    at ${f.fn} (${where})`;
    if (out[out.length - 1] === line) {
      repeats++;
      continue;
    }
    flush();
    out.push(line);
  }
  flush();
  if (textCut > 0) out.push(`    … (${textCut} more characters of the message)`);
  return out.join('\n');
}

/**
 * Signature of a failure: `kind|name|frame;frame;frame`. `name` is the error's class name (or
 * the type of a non-Error thrown value), never its message.
 */
export function failureSignature(kind: string, errorName: string, stack: string | undefined, cwd = process.cwd()): string {
  const key = (f: Frame) => `${f.fn}@${path.relative(cwd, f.file)}:${f.line}`;
  if (kind === 'stack-overflow' && stack) {
    const cycle = recursionCycle(parseStack(stack).filter(isUserFrame).map(key));
    if (cycle.length > 0) return `${kind}|${errorName}|${cycle.join(';')}`;
  }
  const frames = stack ? userFrames(stack) : [];
  return `${kind}|${errorName}|${frames.map(key).join(';')}`;
}

/**
 * The frames of a stack overflow that repeat (the recursion), sorted: where the overflow struck
 * inside the cycle, and which helper it was calling at that moment, vary with the input and the
 * stack in use, while the cycle itself is the bug. Empty when nothing repeats.
 */
function recursionCycle(frames: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const f of frames) counts.set(f, (counts.get(f) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1).map(([f]) => f).sort();
}

/**
 * Signature of a hang from stacks sampled while it spun (each as `new Error().stack` text):
 * `timeout|hang|fn@file;fn@file:line;…`. Where one sample lands inside a loop varies from sample
 * to sample and run to run, so the signature starts at the innermost user frame of the first
 * sample whose function (name and file) is on every sample, written without its line, followed by
 * up to two of its callers with their call lines, which do not vary. Two endless loops in one
 * function therefore count as one bug; loops in different functions, or one function reached
 * from different call sites, stay apart. Undefined when no sample has a user frame.
 */
export function hangSignature(stacks: readonly string[], cwd = process.cwd()): string | undefined {
  const samples = stacks.map((s) => parseStack(s).filter(isUserFrame));
  const first = samples[0];
  if (!first || first.length === 0) return undefined;
  const fnKey = (f: Frame) => `${f.fn}@${path.relative(cwd, f.file)}`;
  const others = samples.slice(1).map((fr) => new Set(fr.map(fnKey)));
  let i = first.findIndex((f) => others.every((set) => set.has(fnKey(f))));
  if (i < 0) i = 0;
  const where = [fnKey(first[i]), ...first.slice(i + 1, i + 3).map((f) => `${fnKey(f)}:${f.line}`)];
  return `timeout|hang|${where.join(';')}`;
}
