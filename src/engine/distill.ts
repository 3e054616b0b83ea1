/**
 * [coordinator] `tsfuzz corpus-min`: distills each target's cache to the smallest set of inputs
 * that keeps the same coverage, like libFuzzer's -merge=1. Every cached input runs once with
 * coverage; seeds and testdata inputs are kept and cover first; then cached inputs are taken from
 * the smallest up and kept only if they add an (edge, hit-count bucket) the kept ones lack.
 * Safe while another run uses the cache: it only deletes files it evaluated, and readers skip
 * files that vanish; files written meanwhile are left alone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  cacheDirFor, describeInstrumentSettings, readCorpusDir, readInstrumentSettings, sameInstrumentSettings, testdataDir, type InstrumentSettings,
} from '../corpus/store.js';
import type { Reporter } from '../report/reporter.js';
import { UserError } from '../util/errors.js';
import { valueSize, type Value } from '../values/kinds.js';
import { withPool, type WorkerPool } from './pool.js';
import { targetKey, type StableCoverage, type TargetInfo, type WorkerConfig } from './protocol.js';

export interface DistillOptions {
  worker: WorkerConfig;
  match: RegExp;
  parallel: number;
  cacheRoot: string;
  reporter: Reporter;
  signal: AbortSignal;
  /** --include or --exclude was given (else the ones recorded with the cache are used). */
  explicitInstrument: boolean;
}

export interface DistillResult {
  targets: Array<{ name: string; before: number; after: number; removed: number; features: number; failing: number }>;
  interrupted: boolean;
}

interface Item {
  values: Value[];
  size: number;
  id: string;
  file: string | undefined; // cache file, or undefined for seeds/testdata (always kept)
  features: string[];
  /** The input failed when run (hang, crash, …): never deleted, the next fuzz run reports it. */
  fails: boolean;
}

/**
 * Coverage is measured as the fuzz runs that filled the caches measured it (the --include and
 * --exclude they recorded, store.ts InstrumentSettings): unless the command gives its own, the
 * recorded ones are used; given ones that differ are used with a warning.
 */
export async function runDistill(o: DistillOptions): Promise<DistillResult> {
  const first = await distillWith(o, o.worker, !o.explicitInstrument);
  if ('result' in first) return first.result;
  o.reporter.info(`corpus-min: instrumenting as the fuzz run that filled the cache did: ${describeInstrumentSettings(first.use)}`);
  const again = await distillWith(o, { ...o.worker, include: first.use.include, exclude: first.use.exclude }, false);
  if (!('result' in again)) throw new Error('internal: corpus-min settings changed twice');
  return again.result;
}

function distillWith(o: DistillOptions, worker: WorkerConfig, adopt: boolean): Promise<{ result: DistillResult } | { use: InstrumentSettings }> {
  return withPool({ ...worker, instrument: true }, o.parallel, o.signal, async (pool, infos, interrupted) => {
    const picked = infos.filter((t) => o.match.test(t.name));
    if (picked.length === 0) {
      throw new UserError(`--fuzz=${o.match.source} matches no fuzz target; the targets are: ${infos.map((t) => t.name).join(', ')}`);
    }
    const recorded = picked
      .map((t) => ({ t, s: readInstrumentSettings(targetCacheDir(o, t)) }))
      .filter((r): r is { t: TargetInfo; s: InstrumentSettings } => r.s !== undefined);
    const differing = recorded.filter((r) => !sameInstrumentSettings(r.s, worker));
    if (adopt && differing.length > 0) {
      const other = recorded.find((r) => !sameInstrumentSettings(r.s, differing[0].s));
      if (other) {
        throw new UserError(
          `the caches of ${differing[0].t.name} and ${other.t.name} were filled with different flags ` +
            `(${describeInstrumentSettings(differing[0].s)}; ${describeInstrumentSettings(other.s)}): distill them one at a time with --fuzz=NAME`,
        );
      }
      return { use: differing[0].s };
    }
    for (const { t, s } of differing) {
      o.reporter.info(
        `corpus-min: warning: ${t.name}'s cache was filled by a run with ${describeInstrumentSettings(s)}; measured with ${describeInstrumentSettings(worker)}, ` +
          `inputs that reached only code instrumented then will be removed`,
      );
    }
    const result: DistillResult = { targets: [], interrupted: false };
    for (const t of picked) {
      if (interrupted()) break;
      result.targets.push(await distillTarget(o, pool, t, interrupted));
    }
    result.interrupted = interrupted();
    return { result };
  });
}

function targetCacheDir(o: DistillOptions, t: TargetInfo): string {
  const rel = path.relative(process.cwd(), t.file).split(path.sep).join('/');
  return cacheDirFor(o.cacheRoot, `${rel}#${t.name}`);
}

async function distillTarget(o: DistillOptions, pool: WorkerPool, t: TargetInfo, stopped: () => boolean) {
  const dir = targetCacheDir(o, t);
  const size = (v: Value[]) => v.reduce<number>((n, x) => n + valueSize(x), 0);
  const base: Item[] = [
    ...t.seeds.map((values, i) => ({ values, size: size(values), id: `seed#${i}`, file: undefined, features: [], fails: false })),
    ...readCorpusDir(testdataDir(path.dirname(t.file), t.name), t.kinds, { strict: false }).entries.map((e) => ({
      values: e.values, size: size(e.values), id: e.id, file: undefined, features: [], fails: false,
    })),
  ];
  const cached: Item[] = readCorpusDir(dir, t.kinds, { strict: false }).entries.map((e) => ({
    values: e.values, size: size(e.values), id: e.id, file: e.path, features: [], fails: false,
  }));
  const all = [...base, ...cached];
  let next = 0;
  const lane = async () => {
    while (!stopped() && next < all.length) {
      const item = all[next++];
      const end = await pool.exec((_s, jobId) => ({ kind: 'run', jobId, target: targetKey(t.file, t.name), values: item.values, coverage: true }));
      if (end.kind === 'run' && end.coverage) item.features = features(end.coverage);
      if ((end.kind === 'run' && end.failure) || end.kind === 'thread-lost' || end.kind === 'died') item.fails = true;
    }
  };
  await Promise.all(pool.slots.map(() => lane()));
  if (stopped()) return { name: t.name, before: cached.length, after: cached.length, removed: 0, features: 0, failing: 0 };
  const covered = new Set<string>();
  for (const b of base) for (const f of b.features) covered.add(f);
  cached.sort((a, b) => a.size - b.size || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let removed = 0;
  let failing = 0;
  for (const c of cached) {
    if (c.fails) {
      failing++;
      continue;
    }
    const adds = c.features.some((f) => !covered.has(f));
    if (adds) for (const f of c.features) covered.add(f);
    else {
      fs.rmSync(c.file!, { force: true });
      removed++;
    }
  }
  const kept = failing ? `; ${failing} failing input${failing === 1 ? '' : 's'} kept for the next fuzz run to report` : '';
  o.reporter.info(`${t.name}: cache ${cached.length} → ${cached.length - removed} inputs (${covered.size} coverage features kept${kept})`);
  return { name: t.name, before: cached.length, after: cached.length - removed, removed, features: covered.size, failing };
}

/** Each (edge, bucket bit) as one feature. */
function features(cov: StableCoverage): string[] {
  const out: string[] = [];
  for (const [edge, bits] of cov) {
    for (let b = 1; b <= 128; b <<= 1) if (bits & b) out.push(`${edge}/${b}`);
  }
  return out;
}
