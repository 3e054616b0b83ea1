/**
 * The command line: one declarative table of flags per command, from which both parsing (node's
 * util.parseArgs) and `--help` are produced. Parsing errors are UserErrors of one line.
 */
import { parseArgs } from 'node:util';
import { UserError } from '../util/errors.js';

export interface FlagSpec {
  name: string;
  type: 'string' | 'boolean';
  multiple?: boolean;
  value?: string;
  help: string;
}

export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  flags: FlagSpec[];
}

const TIMEOUT: FlagSpec = { name: 'timeout', type: 'string', value: 'DURATION', help: 'fail an input that runs longer than this (default 10s); e.g. 500ms, 10s, 1m' };
const MEMORY: FlagSpec = {
  name: 'memory-limit', type: 'string', value: 'MB',
  help: 'fail an input when the worker process\'s resident memory (RSS: heap, buffers, code, everything) exceeds MB megabytes; also caps the JavaScript heap. 0 = no limit (default 2048)',
};
const PARALLEL: FlagSpec = { name: 'parallel', type: 'string', value: 'N', help: 'number of worker processes (default: one per CPU)' };
const JSON_FLAG: FlagSpec = { name: 'json', type: 'boolean', help: 'write events as JSON lines on stdout (progress, failures, summary)' };
const STREAM: FlagSpec = { name: 'stream-output', type: 'boolean', help: 'show the targets\' stdout/stderr as it is written instead of only with failing inputs' };
const HELP: FlagSpec = { name: 'help', type: 'boolean', help: 'show this help' };

export const COMMANDS: Record<string, CommandSpec> = {
  test: {
    name: 'test',
    usage: 'tsfuzz test [paths...] [flags]',
    summary: 'Run every target on its seeds and on each file in testdata/fuzz/<Target>/ (what CI runs).',
    flags: [
      { name: 'run', type: 'string', value: 'REGEX', help: 'only targets whose name matches REGEX; REGEX/ID also selects inputs (seed#N or a testdata file name)' },
      TIMEOUT, MEMORY, PARALLEL, JSON_FLAG, STREAM, HELP,
    ],
  },
  fuzz: {
    name: 'fuzz',
    usage: 'tsfuzz fuzz [paths...] [flags]',
    summary: 'Fuzz the matching targets with coverage guidance until the time or execution budget, a failure, or Ctrl-C.',
    flags: [
      { name: 'fuzz', type: 'string', value: 'REGEX', help: 'fuzz the targets whose name matches REGEX (default: all); matching nothing is an error' },
      { name: 'fuzztime', type: 'string', value: 'T', help: 'budget: a duration (30s, 5m) or an execution count across all workers (50000x); default: until stopped' },
      TIMEOUT, MEMORY, PARALLEL,
      { name: 'max-len', type: 'string', value: 'N', help: 'longest bytes argument (in bytes) and string argument (in UTF-16 code units) the mutator produces (default 4096); seeds longer than N still run' },
      { name: 'seed', type: 'string', value: 'N', help: 'seed of the run\'s random generator; with --parallel=1 and an Nx budget the run is reproducible' },
      { name: 'minimize-time', type: 'string', value: 'T', help: 'budget for minimizing each failing input, a duration (60s) or a count (5000x), counted apart from --fuzztime; 0 = do not minimize (default 60s)' },
      { name: 'keep-going', type: 'boolean', help: 'do not stop at the first failure: restart workers and report each distinct failure once, until the budget' },
      { name: 'no-coverage', type: 'boolean', help: 'turn coverage guidance off (random mutation only)' },
      { name: 'no-cmp-trace', type: 'boolean', help: 'turn compare tracing off (operands of ===, <, switch, startsWith, Map.has … fed back into the mutator)' },
      { name: 'value-profile', type: 'boolean', help: 'count getting closer to a comparison\'s other operand as new coverage' },
      { name: 'dict', type: 'string', multiple: true, value: 'FILE', help: 'a dictionary in AFL/libFuzzer format (name="value" lines) whose tokens the mutator inserts' },
      { name: 'include', type: 'string', multiple: true, value: 'GLOB', help: 'also instrument files matching GLOB (e.g. "**/node_modules/my-parser/**"); adds to the default (your code outside node_modules)' },
      { name: 'exclude', type: 'string', multiple: true, value: 'GLOB', help: 'do not instrument files matching GLOB' },
      { name: 'corpus', type: 'string', multiple: true, value: 'DIR', help: 'a folder of raw sample files (images, documents, captures) that seed targets taking one bytes or string argument' },
      JSON_FLAG, STREAM, HELP,
    ],
  },
  minimize: {
    name: 'minimize',
    usage: 'tsfuzz minimize [paths...] --run=Target/ID [flags]',
    summary: 'Shrink failing inputs in testdata/fuzz/<Target>/ while they fail the same way; each result replaces its file.',
    flags: [
      { name: 'run', type: 'string', value: 'Target/ID', help: 'the inputs to minimize (a target name or pattern, and a testdata file name or pattern)' },
      { name: 'minimize-time', type: 'string', value: 'T', help: 'budget per input, a duration (60s) or a count (5000x) (default 60s)' },
      TIMEOUT, MEMORY, JSON_FLAG, STREAM, HELP,
    ],
  },
  'corpus-min': {
    name: 'corpus-min',
    usage: 'tsfuzz corpus-min [paths...] [--fuzz=REGEX] [flags]',
    summary: 'Distill the cache of each matching target to the smallest inputs that keep the same coverage (like libFuzzer -merge=1); safe while another run uses the cache.',
    flags: [
      { name: 'fuzz', type: 'string', value: 'REGEX', help: 'only targets whose name matches REGEX (default: all)' },
      TIMEOUT, MEMORY, PARALLEL,
      { name: 'include', type: 'string', multiple: true, value: 'GLOB', help: 'also instrument files matching GLOB (as in tsfuzz fuzz)' },
      { name: 'exclude', type: 'string', multiple: true, value: 'GLOB', help: 'do not instrument files matching GLOB' },
      JSON_FLAG, STREAM, HELP,
    ],
  },
  clean: {
    name: 'clean',
    usage: 'tsfuzz clean',
    summary: 'Empty the cache (interesting inputs kept between runs, instrumented code).',
    flags: [HELP],
  },
};

export interface ParsedCommand {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parseCommand(spec: CommandSpec, argv: string[]): ParsedCommand {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const f of spec.flags) options[f.name] = f.multiple ? { type: f.type, multiple: true } : { type: f.type };
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    for (const f of spec.flags) {
      const v = values[f.name];
      if (f.type === 'string' && typeof v === 'string' && v === '') throw new UserError(`--${f.name} needs a value, e.g. --${f.name}=${f.value ?? 'X'}`);
    }
    return { values: values as ParsedCommand['values'], positionals };
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as { code?: string }).code;
    const msg = (e as Error).message.split('\n')[0];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']+)'/.exec(msg)?.[1] ?? msg;
      throw new UserError(`unknown flag ${flag} for "tsfuzz ${spec.name}"; see tsfuzz ${spec.name} --help`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const flag = /'(--[\w-]+)/.exec(msg)?.[1] ?? msg;
      const f = spec.flags.find((x) => `--${x.name}` === flag);
      // A flag that takes a value got none ("argument missing"), or what follows it looks like
      // another flag ("ambiguous"); a boolean flag got one.
      const why = f?.type === 'string' ? `needs a value, e.g. ${flag}=${f.value ?? 'X'}` : 'does not take a value';
      throw new UserError(`${flag} ${why}; see tsfuzz ${spec.name} --help`);
    }
    throw new UserError(`${msg}; see tsfuzz ${spec.name} --help`);
  }
}

export function commandHelp(spec: CommandSpec): string {
  const lines = [`usage: ${spec.usage}`, '', spec.summary, '', 'flags:'];
  for (const f of spec.flags) {
    const head = `  --${f.name}${f.value ? `=${f.value}` : ''}`;
    lines.push(head.padEnd(26) + (head.length >= 26 ? '\n' + ' '.repeat(26) : '') + f.help);
  }
  if (spec.name !== 'clean') {
    lines.push('', 'paths: fuzz files or folders (default: the current folder); folders are searched for *.fuzz.{ts,mts,cts,js,mjs,cjs},', '       skipping node_modules and dot-folders.');
  }
  lines.push('', 'exit codes: 0 no failure, 1 failure found, 2 usage/configuration/load error, 130 interrupted with nothing found');
  return lines.join('\n');
}

export const MAIN_HELP = `tsfuzz — coverage-guided fuzzing for TypeScript and JavaScript

usage:
  tsfuzz test  [paths...] [flags]   run seeds and testdata inputs (regression, for CI)
  tsfuzz fuzz  [paths...] [flags]   fuzz with coverage guidance
  tsfuzz minimize --run=Target/ID   shrink a failing input in testdata
  tsfuzz corpus-min [paths...]      distill the cache to the inputs that keep its coverage
  tsfuzz clean                      empty the cache

Run "tsfuzz <command> --help" for the flags of a command.
Environment: TSFUZZ_CACHE overrides the cache folder (default node_modules/.cache/tsfuzz).`;
