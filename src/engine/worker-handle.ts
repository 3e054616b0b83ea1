/**
 * [coordinator] One worker process: spawn it, wait until its fuzz files are loaded, send it jobs,
 * deliver its events, notice its death (exit code, signal, the tail of its stderr) and stop it.
 * Workers run in their own process group (a terminal's Ctrl-C reaches only the coordinator, which
 * stops them in order) and kill themselves when the coordinator's IPC channel closes, so they
 * never outlive it, even when it is SIGKILLed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../util/errors.js';
import type { FromWorker, Job, TargetInfo, WorkerConfig } from './protocol.js';

const ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker-main.js');
const TAIL_BYTES = 16 * 1024;

export interface WorkerDeath {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Last bytes the process wrote to stdout/stderr (fatal V8 errors land here). */
  tail: string;
}

export class WorkerHandle {
  private tail = '';
  private exited: WorkerDeath | undefined;
  private readonly exitWaiters: Array<(d: WorkerDeath) => void> = [];
  /** Called for every event after the worker is ready. */
  onEvent: (m: FromWorker) => void = () => {};
  /** Called once when the process ends (also when `stop()` ended it). */
  onDeath: (d: WorkerDeath) => void = () => {};
  targets: TargetInfo[] = [];
  edges = 0;
  literals: string[] = [];
  /** Files its execution thread had instrumented when it was ready. */
  instrumented: string[] = [];
  /** Job in flight, if any. */
  job: Job | undefined;

  /** `config`: what it was started with (its candidate file among them). */
  private constructor(private readonly child: ChildProcess, readonly id: number, readonly config: WorkerConfig) {}

  /**
   * Starts a worker and resolves when it has loaded its fuzz files. A load error becomes a
   * UserError naming the file; a death while loading becomes a UserError with its reason.
   */
  static start(config: WorkerConfig, id: number, streamOutput: boolean): Promise<WorkerHandle> {
    const child = fork(ENTRY, [], {
      env: { ...process.env, TSFUZZ_WORKER_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
      detached: true,
      execArgv: [],
    });
    const w = new WorkerHandle(child, id, config);
    const onData = (b: Buffer) => {
      const s = b.toString('utf8');
      if (streamOutput) process.stderr.write(s);
      w.tail = (w.tail + s).slice(-TAIL_BYTES);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    return new Promise<WorkerHandle>((resolve, reject) => {
      let ready = false;
      child.on('message', (m: FromWorker) => {
        if (!ready) {
          if (m.kind === 'ready') {
            ready = true;
            w.targets = m.targets;
            w.edges = m.edges;
            w.literals = m.literals;
            w.instrumented = m.instrumented;
            resolve(w);
          } else if (m.kind === 'load-error') {
            ready = true;
            reject(new UserError(m.message));
            w.kill();
          }
          return;
        }
        if (m.kind === 'job-done' || m.kind === 'run-result') {
          w.edges = Math.max(w.edges, 'edges' in m ? m.edges : 0);
        }
        w.onEvent(m);
      });
      child.on('exit', (code, signal) => {
        const d: WorkerDeath = { code, signal, tail: w.tail };
        w.exited = d;
        for (const f of w.exitWaiters.splice(0)) f(d);
        if (!ready) {
          ready = true;
          reject(new UserError(`a worker process failed to start: ${deathReason(d)}${d.tail ? `\n${d.tail.trim()}` : ''}`));
          return;
        }
        w.onDeath(d); // the pool turns a death it asked for into 'stopped'
      });
      child.on('error', (e) => {
        if (!ready) {
          ready = true;
          reject(new UserError(`a worker process failed to start: ${e.message}`));
        }
      });
    });
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  send(job: Job): void {
    this.job = job;
    this.child.send({ kind: 'job', job });
  }

  /** Asks the worker to stop; SIGKILLs it after a grace period. Resolves when it has exited. */
  stop(graceMs = 1000): Promise<void> {
    if (this.exited) return Promise.resolve();
    try {
      this.child.send({ kind: 'stop' });
    } catch {
      /* channel already closed */
    }
    const timer = setTimeout(() => this.kill(), graceMs);
    return new Promise((resolve) => {
      this.exitWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  kill(): void {
    if (this.exited) return;
    try {
      this.child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }

  /** Resolves when the process has exited. */
  waitExit(): Promise<WorkerDeath> {
    if (this.exited) return Promise.resolve(this.exited);
    return new Promise((r) => this.exitWaiters.push(r));
  }
}

/** One line for a process death: "exit code 3", "signal SIGABRT". */
export function deathReason(d: WorkerDeath): string {
  return d.signal ? `killed by signal ${d.signal}` : `exited with code ${d.code}`;
}
