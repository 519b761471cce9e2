/**
 * Server replicas as child processes: `node --import tsx server/main.ts`
 * with the cluster's settings, spawned (never imported: tools/ stays out of
 * server/). Each is its own process group, so a Ctrl-C at the terminal
 * reaches the cluster alone, which then stops them one by one with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';

export interface ReplicaSettings {
  readonly name: string;
  readonly port: number;
  /** The replica's own folder: its log, BATCH_DIR, DATA_DIR and RETRAIN_DIR. */
  readonly dir: string;
  /** Settings every replica shares (DATABASE_URL, REDIS_URL, ...). */
  readonly env: Readonly<Record<string, string>>;
  /** The repository root, where server/main.ts is. */
  readonly root: string;
}

export class Replica {
  #child: ChildProcess | undefined;
  #exited: Promise<unknown> | undefined;

  constructor(readonly settings: ReplicaSettings) {}

  get url(): string {
    return `http://127.0.0.1:${this.settings.port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  get log(): string {
    return join(this.settings.dir, 'server.log');
  }

  /** Spawns the process and waits until its readiness answers 200 (models loaded and warm). */
  async start(timeoutMs = 60_000): Promise<void> {
    const { dir, env, port, root } = this.settings;
    mkdirSync(dir, { recursive: true });
    const log = openSync(this.log, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        BATCH_DIR: join(dir, 'batch'),
        DATA_DIR: join(dir, 'data'),
        RETRAIN_DIR: join(dir, 'retrain'),
        ...env,
        PORT: String(port),
      },
      stdio: ['ignore', log, log],
      detached: true,
    });
    closeSync(log);
    this.#child = child;
    this.#exited = once(child, 'exit');
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (!this.running) throw new Error(`${this.settings.name} exited while starting: see ${this.log}`);
      const status = await fetch(`${this.url}/v2/health/ready`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    await this.kill();
    throw new Error(`${this.settings.name} was not ready within ${timeoutMs} ms: see ${this.log}`);
  }

  /** SIGTERM (the replica drains, then finishes its requests) and waits for the exit. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.#child?.kill('SIGTERM');
    await this.#exited;
  }

  /** SIGKILL: the replica dies with whatever it was doing. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.#child?.kill('SIGKILL');
    await this.#exited;
  }
}
