#!/usr/bin/env node
/**
 * The `tsfuzz` command: parses flags, finds fuzz files, runs `test`, `fuzz` or `clean`, prints
 * through the Reporter and turns the result into the exit code (0 no failure, 1 failure found,
 * 2 usage/configuration/load error, 130 interrupted with nothing found, 70 a bug in tsfuzz).
 * Rule: a user mistake is one line on stderr, never a stack trace from our internals.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { DictFormatError, formatDictionary, parseDictionary } from '../corpus/dict.js';
import { INSTRUMENT_DIR, cacheRoot, isCacheEntry, removeDir } from '../corpus/store.js';
import { Coordinator } from '../engine/coordinator.js';
import { describeUnnamed } from '../engine/findings.js';
import type { WorkerConfig } from '../engine/protocol.js';
import { runRegression, type RegressFailure } from '../engine/regress.js';
import { DEFAULT_MEMORY_LIMIT_MB, DEFAULT_TIMEOUT_MS } from '../engine/rerun.js';
import { runMinimize } from '../engine/minimize-command.js';
import { runDistill } from '../engine/distill.js';
import { Reporter } from '../report/reporter.js';
import { UserError } from '../util/errors.js';
import { formatElapsed, parseBudget, parseCount, parseDuration, type Budget } from '../util/limits.js';
import { COMMANDS, MAIN_HELP, commandHelp, parseCommand, type ParsedCommand } from './flags.js';
import { findFuzzFiles } from './find-files.js';
import * as path from 'node:path';

const EXIT_OK = 0;
const EXIT_FAIL = 1;
const EXIT_USAGE = 2;
const EXIT_INTERNAL = 70;
const EXIT_INTERRUPTED = 130;
const RERUN_COMMAND = 'npx tsfuzz';
/** Failing inputs named at most in the one line of a forced exit of `tsfuzz test`. */
const FORCED_LIST_MAX = 10;

function regex(flag: string, text: string): RegExp {
  try {
    return new RegExp(text);
  } catch (e) {
    throw new UserError(`--${flag}=${text}: not a valid regular expression (${(e as Error).message.replace(/^Invalid regular expression: /, '')})`);
  }
}

function str(p: ParsedCommand, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

function list(p: ParsedCommand, name: string): string[] {
  const v = p.values[name];
  return Array.isArray(v) ? v : [];
}

function workerConfig(p: ParsedCommand, files: string[], root: string): WorkerConfig {
  const timeout = str(p, 'timeout');
  const mem = str(p, 'memory-limit');
  return {
    files,
    instrument: false,
    include: list(p, 'include'),
    exclude: list(p, 'exclude'),
    instrumentCacheDir: path.join(root, INSTRUMENT_DIR),
    timeoutMs: timeout ? parseDuration('--timeout', timeout) : DEFAULT_TIMEOUT_MS,
    memoryLimitMb: mem !== undefined ? parseCount('--memory-limit', mem, 0) : DEFAULT_MEMORY_LIMIT_MB,
    streamOutput: p.values['stream-output'] === true,
    compareTracing: p.values['no-cmp-trace'] !== true,
    valueProfile: p.values['value-profile'] === true,
  };
}

function parallelOf(p: ParsedCommand): number {
  const v = str(p, 'parallel');
  return v !== undefined ? parseCount('--parallel', v, 1, 256) : Math.max(1, os.availableParallelism());
}

/** A --corpus folder, checked now so that a mistake is one line. */
function sampleDir(d: string): string {
  const abs = path.resolve(d);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    throw new UserError(`--corpus=${d}: no such folder`);
  }
  if (!st.isDirectory()) throw new UserError(`--corpus=${d}: not a folder (give a folder of sample files)`);
  return abs;
}

/** Reads a --dict file; a malformed line is one error naming the file and line. */
function readDictionary(file: string): Uint8Array[] {
  let text: Buffer;
  try {
    text = fs.readFileSync(file);
  } catch {
    throw new UserError(`--dict=${file}: cannot read the file`);
  }
  try {
    return parseDictionary(text);
  } catch (e) {
    if (e instanceof DictFormatError) throw new UserError(`${file}:${e.line}: ${e.reason} (dictionary lines look like name="value" or "value")`);
    throw e;
  }
}

/** --minimize-time: default 60s; "0" (or 0s, 0x) turns minimization off. */
function minimizeBudget(text: string | undefined): Budget | undefined {
  if (text === undefined) return { kind: 'time', ms: 60_000 };
  if (/^0+(x|s|ms|m|h)?$/.test(text.trim())) return undefined;
  return parseBudget('--minimize-time', text);
}

/** --minimize-time of `tsfuzz minimize`, where 0 would mean doing nothing. */
function minimizeCommandBudget(text: string | undefined): Budget {
  const b = minimizeBudget(text);
  if (!b) throw new UserError(`--minimize-time=${text}: tsfuzz minimize needs a budget above zero, e.g. 60s or 5000x`);
  return b;
}

/**
 * Ctrl-C / SIGTERM: the first one stops the run cleanly; a second one exits at once, with the
 * exit code (and after the one line) that `forced` gives — by default 130 and a line saying so.
 */
function interruptSignal(forced: () => number = forcedExit): AbortSignal {
  const ac = new AbortController();
  const onSignal = () => {
    if (ac.signal.aborted) process.exit(forced());
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return ac.signal;
}

/** A second interrupt of a command that writes no failures. */
function forcedExit(): number {
  process.stderr.write('tsfuzz: interrupted again: stopped at once\n');
  return EXIT_INTERRUPTED;
}

/**
 * A second interrupt while fuzzing: what is still being re-checked or minimized is written as
 * found, a failure whose input is still being named is written as far as it is known (its input,
 * or the inputs it may be, to the cache), one summary line says what was found and where it is,
 * and the exit code is 1 if anything was found (130 otherwise), as after a clean stop.
 */
function forcedFuzzExit(reporter: Reporter, c: Coordinator | undefined): number {
  const { found, written, unnamed } = c?.forceStop() ?? { found: 0, written: [], unnamed: [] };
  const files = written.map((w) => path.relative(process.cwd(), w) || w);
  const status = found ? 'FAIL' : 'INTERRUPTED';
  const where = [
    ...(files.length ? [`written to ${files.join(', ')}`] : []),
    ...unnamed.map((u) => `${u.target} (${u.headline}): its input was not named yet: ${describeUnnamed(u)}`),
  ];
  const what = found ? `${found} failure${found === 1 ? '' : 's'} found; ${where.length ? where.join('; ') : 'see the reports above'}` : 'nothing found';
  reporter.summary(`${status}  interrupted again: stopped at once without the full summary; ${what}`, {
    status, interrupted: true, forced: true, found, written: files, unnamed,
  });
  return found ? EXIT_FAIL : EXIT_INTERRUPTED;
}

/**
 * A second interrupt during `tsfuzz test`: the inputs that failed so far (their reports come
 * only at the end) are named in one line, and the exit code is 1 if any failed (130 otherwise).
 */
function forcedTestExit(reporter: Reporter, failed: readonly RegressFailure[]): number {
  if (failed.length === 0) return forcedExit();
  const shown = failed.slice(0, FORCED_LIST_MAX).map((f) => `${f.target}/${f.id} (${f.headline})`);
  const more = failed.length > shown.length ? `, and ${failed.length - shown.length} more` : '';
  reporter.summary(
    `FAIL  interrupted again: stopped at once without the full summary; ${failed.length} input${failed.length === 1 ? '' : 's'} failed so far: ${shown.join(', ')}${more} (re-run one with --run=Target/ID)`,
    { status: 'FAIL', interrupted: true, forced: true, failed: failed.length, failures: failed },
  );
  return EXIT_FAIL;
}

async function cmdTest(p: ParsedCommand): Promise<number> {
  const reporter = new Reporter(p.values.json === true);
  const runFlag = str(p, 'run');
  let run: { target: string; input: string | undefined } | undefined;
  if (runFlag !== undefined) {
    const slash = runFlag.indexOf('/');
    run = slash < 0 ? { target: runFlag, input: undefined } : { target: runFlag.slice(0, slash), input: runFlag.slice(slash + 1) };
    regex('run', run.target);
    if (run.input !== undefined) regex('run', run.input);
  }
  const files = findFuzzFiles(p.positionals);
  const root = cacheRoot(process.cwd());
  const started = Date.now();
  const failed: RegressFailure[] = [];
  const signal = interruptSignal(() => forcedTestExit(reporter, failed));
  const s = await runRegression({
    worker: workerConfig(p, files, root), run, parallel: parallelOf(p), reporter, command: RERUN_COMMAND, signal, onFail: (f) => failed.push(f),
  });
  const took = `${((Date.now() - started) / 1000).toFixed(2)}s`;
  const status = s.interrupted ? 'INTERRUPTED' : s.failed ? 'FAIL' : 'ok';
  const skipped = s.skipped ? `, ${s.skipped} skipped` : '';
  const unrun = s.inputs - s.passed - s.failed - s.skipped;
  const notRun = unrun > 0 ? `, ${unrun} not run` : '';
  reporter.summary(
    `${status}  ${s.targets} target${s.targets === 1 ? '' : 's'}, ${s.inputs} input${s.inputs === 1 ? '' : 's'}: ${s.passed} passed, ${s.failed} failed${skipped}${notRun} (${s.distinct} distinct failure${s.distinct === 1 ? '' : 's'}) in ${took}`,
    { status, ...s },
  );
  if (s.failed) return EXIT_FAIL;
  return s.interrupted ? EXIT_INTERRUPTED : EXIT_OK;
}

/** Flags that only act through instrumentation: an error with --no-coverage, never silently ignored. */
const NEEDS_COVERAGE = ['include', 'exclude', 'value-profile', 'no-cmp-trace'];

async function cmdFuzz(p: ParsedCommand): Promise<number> {
  if (p.values['no-coverage'] === true) {
    const clash = NEEDS_COVERAGE.find((f) => p.values[f] !== undefined && p.values[f] !== false);
    if (clash) throw new UserError(`--${clash} acts on instrumented code and --no-coverage instruments nothing: drop one of them`);
  }
  const reporter = new Reporter(p.values.json === true);
  const fuzztime = str(p, 'fuzztime');
  const seedFlag = str(p, 'seed');
  const maxLen = str(p, 'max-len');
  const files = findFuzzFiles(p.positionals);
  const root = cacheRoot(process.cwd());
  const seed = seedFlag !== undefined ? parseCount('--seed', seedFlag, 0, 2 ** 53 - 1) : Math.floor(Math.random() * 2 ** 32);
  let coordinator: Coordinator | undefined;
  const options = {
    worker: workerConfig(p, files, root),
    match: regex('fuzz', str(p, 'fuzz') ?? '.'),
    parallel: parallelOf(p),
    budget: fuzztime !== undefined ? parseBudget('--fuzztime', fuzztime) : undefined,
    maxLen: maxLen !== undefined ? parseCount('--max-len', maxLen, 1, 100 * 1024 * 1024) : 4096,
    seed,
    seedGiven: seedFlag !== undefined,
    keepGoing: p.values['keep-going'] === true,
    coverage: p.values['no-coverage'] !== true,
    cacheRoot: root,
    dictionary: list(p, 'dict').flatMap(readDictionary),
    sampleDirs: list(p, 'corpus').map(sampleDir),
    minimize: minimizeBudget(str(p, 'minimize-time')),
    reporter,
    command: RERUN_COMMAND,
    signal: interruptSignal(() => forcedFuzzExit(reporter, coordinator)),
  };
  coordinator = new Coordinator(options);
  const s = await coordinator.run();
  const distinct = s.findings.length;
  const total = s.findings.reduce((n, f) => n + f.count, 0);
  const status = distinct ? 'FAIL' : s.interrupted ? 'INTERRUPTED' : 'ok';
  // Targets of the same name in different files are told apart by their file.
  const shared = new Set(s.targets.filter((t, i) => s.targets.findIndex((o) => o.name === t.name) !== i).map((t) => t.name));
  const label = (name: string, file: string) => (shared.has(name) ? `${name} (${path.relative(process.cwd(), file)})` : name);
  const perTarget = s.targets
    .map((t) => `  ${label(t.name, t.file)}: ${t.execs} execs, corpus ${t.corpus} (${t.newInteresting} new)${options.coverage ? `, ${t.edges} edges` : ''}`)
    .join('\n');
  const failures = distinct
    ? `\n${distinct} distinct failure${distinct === 1 ? '' : 's'}${total > distinct ? ` (${total} failing inputs in all)` : ''}:\n` +
      s.findings
        .map((f) => `  ${label(f.target.name, f.target.info.file)}: ${f.failure.headline}${f.count > 1 ? ` (×${f.count})` : ''}${f.writtenTo ? ` → ${path.relative(process.cwd(), f.writtenTo)}` : ''}`)
        .join('\n')
    : '';
  const recommended = s.recommended.length
    ? `\nrecommended dictionary (tokens in inputs that reached new coverage; save it and pass it with --dict):\n${formatDictionary(s.recommended).trimEnd()}`
    : '';
  reporter.summary(
    `${status}  fuzzed ${s.targets.length} target${s.targets.length === 1 ? '' : 's'}: ${s.execs} execs in ${formatElapsed(s.elapsedMs)}, ${s.fuzzExecsPerSec}/sec while fuzzing (seed ${seed})\n${perTarget}${failures}${recommended}`,
    {
      recommendedDictionary: s.recommended.length ? formatDictionary(s.recommended) : null,
      status, seed, execs: s.execs, elapsedMs: s.elapsedMs, fuzzExecsPerSec: s.fuzzExecsPerSec, interrupted: s.interrupted, targets: s.targets,
      failures: s.findings.map((f) => ({ target: f.target.name, kind: f.failure.kind, headline: f.failure.headline, count: f.count, writtenTo: f.writtenTo ?? null })),
    },
  );
  if (distinct) return EXIT_FAIL;
  return s.interrupted ? EXIT_INTERRUPTED : EXIT_OK;
}

async function cmdMinimize(p: ParsedCommand): Promise<number> {
  const reporter = new Reporter(p.values.json === true);
  const runFlag = str(p, 'run');
  if (runFlag === undefined) throw new UserError('tsfuzz minimize needs --run=Target/ID naming a file in testdata/fuzz/<Target>/');
  const slash = runFlag.indexOf('/');
  const run = slash < 0 ? { target: runFlag, input: undefined } : { target: runFlag.slice(0, slash), input: runFlag.slice(slash + 1) };
  regex('run', run.target);
  if (run.input !== undefined) regex('run', run.input);
  const files = findFuzzFiles(p.positionals);
  const root = cacheRoot(process.cwd());
  const r = await runMinimize({
    worker: workerConfig(p, files, root), run, budget: minimizeCommandBudget(str(p, 'minimize-time')),
    cacheRoot: root, reporter, command: RERUN_COMMAND, signal: interruptSignal(),
  });
  const lines = [
    ...r.minimized.map(
      (m) =>
        `${m.target}/${m.from} → ${m.target}/${m.to}: ${m.fromBytes} → ${m.toBytes} bytes in ${m.execs} executions (the old file was replaced; a copy is in the cache)` +
        (m.exhausted ? '; the budget ran out: a larger --minimize-time may shrink it further' : ''),
    ),
    ...r.unchanged.map((n) => `${n}: already minimal (nothing smaller fails the same way)`),
    ...r.outOfBudget.map((o) => `${o.name}: not minimized: the budget ran out after ${o.execs} execution${o.execs === 1 ? '' : 's'} (try a larger --minimize-time)`),
    ...r.passing.map((n) => `${n}: does not fail; left alone`),
  ];
  reporter.summary(lines.join('\n'), r);
  return EXIT_OK;
}

async function cmdDistill(p: ParsedCommand): Promise<number> {
  const reporter = new Reporter(p.values.json === true);
  const files = findFuzzFiles(p.positionals);
  const root = cacheRoot(process.cwd());
  const r = await runDistill({
    worker: workerConfig(p, files, root), match: regex('fuzz', str(p, 'fuzz') ?? '.'), parallel: parallelOf(p),
    cacheRoot: root, reporter, signal: interruptSignal(), explicitInstrument: list(p, 'include').length + list(p, 'exclude').length > 0,
  });
  const lines = r.targets.map((t) => `${t.name}: ${t.before} → ${t.after} cached inputs (${t.removed} removed, ${t.features} coverage features kept)`);
  reporter.summary(`${r.interrupted ? 'INTERRUPTED' : 'ok'}  corpus-min\n${lines.join('\n')}`, r);
  return r.interrupted ? EXIT_INTERRUPTED : EXIT_OK;
}

/** Removes what tsfuzz keeps in the cache root (isCacheEntry), and the root if nothing else is there. */
function cmdClean(): number {
  const root = cacheRoot(process.cwd());
  const shown = path.relative(process.cwd(), root) || '.';
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    process.stderr.write(`tsfuzz: no cache at ${shown}: nothing to remove\n`);
    return EXIT_OK;
  }
  const ours = names.filter((n) => isCacheEntry(root, n));
  for (const n of ours) removeDir(path.join(root, n));
  const others = names.length - ours.length;
  if (others === 0) removeDir(root);
  const what = `removed the cache at ${shown} (${ours.length} entr${ours.length === 1 ? 'y' : 'ies'})`;
  const kept = others === 0 ? '' : `; kept ${others} other entr${others === 1 ? 'y' : 'ies'} there, which tsfuzz did not make`;
  process.stderr.write(`tsfuzz: ${what}${kept}\n`);
  return EXIT_OK;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(MAIN_HELP + '\n');
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const spec = COMMANDS[name];
  if (!spec) throw new UserError(`unknown command "${name}"; the commands are test, fuzz, minimize, corpus-min and clean (see tsfuzz --help)`);
  const parsed = parseCommand(spec, rest);
  if (parsed.values.help === true) {
    process.stdout.write(commandHelp(spec) + '\n');
    return EXIT_OK;
  }
  if (name === 'test') return cmdTest(parsed);
  if (name === 'fuzz') return cmdFuzz(parsed);
  if (name === 'minimize') return cmdMinimize(parsed);
  if (name === 'corpus-min') return cmdDistill(parsed);
  if (parsed.positionals.length) throw new UserError(`tsfuzz clean takes no arguments`);
  return cmdClean();
}

// A reader that goes away (`tsfuzz fuzz | head`) must not end the run with a stack trace: what
// is found is still written to disk; only the printing stops.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const usage = e instanceof UserError;
    if (usage) {
      process.stderr.write(`tsfuzz: ${e.message}\n`);
      process.exitCode = EXIT_USAGE;
    } else {
      process.stderr.write(`tsfuzz: internal error (please report it): ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = EXIT_INTERNAL;
    }
    // With --json, a program reading stdout learns of it too (the line on stderr is for people).
    if (process.argv.includes('--json')) {
      const message = usage ? e.message : `internal error: ${e instanceof Error ? e.message : String(e)}`;
      process.stdout.write(JSON.stringify({ event: 'error', message, exitCode: process.exitCode }) + '\n');
    }
  },
);
