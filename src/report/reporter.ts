/**
 * What the user sees: progress lines, failure reports and the final summary, as plain text
 * (progress on stderr, reports and summary on stdout) or, with --json, as one JSON object per line
 * on stdout with the same content. Every front-end prints through one Reporter.
 */
import * as path from 'node:path';
import type { FailureInfo } from '../engine/protocol.js';
import type { Kind, Value } from '../values/kinds.js';
import { previewValues, seedLine } from './preview.js';

export interface FailureReport {
  target: string;
  file: string;
  kinds: readonly Kind[];
  /** The failing input, if it could be named. */
  values: readonly Value[] | undefined;
  failure: FailureInfo;
  /** Where the input was written (testdata or cache), if anywhere. */
  writtenTo?: string;
  /** Where the input as found (before minimization) was kept. */
  originalAt?: string;
  /** Minimization was interrupted (Ctrl-C): the input is the last smaller one verified, or as found. */
  minimizeInterrupted?: boolean;
  /** Command that re-runs exactly this input. */
  rerun?: string;
  /** Seed of the fuzzing run that found it. */
  runSeed?: number;
  /** Where it came from: "seed#0", a testdata id, "fuzzing". */
  source?: string;
  /** Other inputs that failed with the same signature. */
  repeats?: number;
  /** Names of the other inputs (regression runs) that failed the same way. */
  alsoFails?: string[];
}

export interface Progress {
  elapsedMs: number;
  execs: number;
  execsPerSec: number;
  corpus: number;
  /** Inputs added to the corpus in this run so far, and since the previous progress line. */
  newInteresting: number;
  newSinceLast?: number;
  edgesCovered?: number;
  edgesTotal?: number;
  phase: 'baseline' | 'fuzzing' | 'stopping';
  baselineDone?: number;
  baselineTotal?: number;
  failures: number;
}

function indent(text: string, pad = '    '): string {
  return text
    .split('\n')
    .map((l) => (l.length ? pad + l : l))
    .join('\n');
}

export class Reporter {
  constructor(
    readonly json: boolean,
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly err: NodeJS.WritableStream = process.stderr,
  ) {}

  private emit(event: string, data: object): void {
    this.out.write(JSON.stringify({ event, ...data }, jsonReplacer) + '\n');
  }

  /** A line of status ("fuzz: elapsed: 0s, gathering baseline coverage: 3/3 completed"). */
  info(line: string, data: object = {}): void {
    if (this.json) this.emit('info', { message: line, ...data });
    else this.err.write(line + '\n');
  }

  warn(line: string): void {
    if (this.json) this.emit('warning', { message: line });
    else this.err.write(`tsfuzz: warning: ${line}\n`);
  }

  progress(p: Progress, line: string): void {
    if (this.json) this.emit('progress', p);
    else this.err.write(line + '\n');
  }

  failure(r: FailureReport): void {
    if (this.json) {
      this.emit('failure', {
        target: r.target,
        file: r.file,
        kind: r.failure.kind,
        headline: r.failure.headline,
        detail: r.failure.detail,
        signature: r.failure.signature,
        output: r.failure.output,
        input: r.values ? previewValues(r.kinds, r.values) : null,
        seedLine: r.values ? seedLine(r.kinds, r.values) : null,
        writtenTo: r.writtenTo ?? null,
        originalAt: r.originalAt ?? null,
        minimizeInterrupted: r.minimizeInterrupted === true,
        rerun: r.rerun ?? null,
        runSeed: r.runSeed ?? null,
        source: r.source ?? null,
        alsoFails: r.alsoFails ?? [],
      });
      return;
    }
    const lines: string[] = [];
    lines.push(`--- FAIL: ${r.target}${r.source ? `/${r.source}` : ''} (${r.failure.kind})`);
    lines.push(indent(r.failure.headline));
    // The detail usually starts with the message the headline already shows: print the rest.
    const detailLines = r.failure.detail.replace(/^\s*\n/, '').trimEnd().split('\n');
    if (detailLines.length && r.failure.headline.endsWith(detailLines[0].trim())) detailLines.shift();
    const body = detailLines.join('\n');
    if (body.trim()) lines.push(indent(body, '    '));
    if (r.values) {
      lines.push('    input:');
      for (const p of previewValues(r.kinds, r.values)) lines.push('        ' + p);
      lines.push('    as a seed:');
      lines.push('        ' + seedLine(r.kinds, r.values));
    } else {
      lines.push('    input: could not be determined');
    }
    if (r.failure.output.trim()) {
      lines.push('    output:');
      lines.push(indent(r.failure.output.trimEnd(), '        '));
    }
    if (r.alsoFails?.length) lines.push(`    also fails the same way: ${r.alsoFails.join(', ')}`);
    if (r.writtenTo) lines.push(`    Failing input written to ${path.relative(process.cwd(), r.writtenTo) || r.writtenTo}`);
    const how = r.minimizeInterrupted ? 'minimization interrupted' : 'minimized';
    if (r.originalAt) lines.push(`    (${how}; the input as found is kept at ${path.relative(process.cwd(), r.originalAt) || r.originalAt})`);
    else if (r.minimizeInterrupted) lines.push('    (not minimized: the run was interrupted)');
    if (r.rerun) {
      lines.push('    To re-run:');
      lines.push('        ' + r.rerun);
    }
    if (r.runSeed !== undefined) lines.push(`    (run with --seed=${r.runSeed})`);
    this.out.write(lines.join('\n') + '\n');
  }

  summary(text: string, data: object): void {
    if (this.json) this.emit('summary', data);
    else this.out.write(text + '\n');
  }
}

function jsonReplacer(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}
