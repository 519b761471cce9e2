/**
 * npm run models:retrain -- --model <name> [--audit-id ID] [--fresh-share 0.3] [--registry DIR]
 *   [--database-url URL | --data-dir DIR] [--min-labels 50] [--work DIR] [--epochs 3] [--original 3000]
 *
 * Retrains a model on its labelled feedback. This half reads the store: it
 * exports the labelled inputs of the model, keeps the newest share aside as
 * the fresh test set, writes both into a work folder with their keys, and
 * closes the store (PGlite serves one process at a time) before the training
 * half (training/retrain/main.ts) fine-tunes, quantizes, measures and writes
 * the new version into the registry folder.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve as absolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RETRAIN_ENV } from '../../../src/core/api/retrain';
import { parseManifest } from '../../../src/core/manifest';
import { parsePositiveInt, UsageError } from '../../cli/args';
import type { Io } from '../../cli/io';
import { loadConfig } from '../../config';
import type { DatabaseSettings, Queryable } from '../../db/database';
import { StoreLockedError } from '../../db/dir-lock';
import { openDatabase } from '../../db/open';
import { DEFAULT_FRESH_SHARE, DEFAULT_MIN_LABELS } from './settings';
import { exportLabelledInputs, splitFresh, writeExport, type SplitFile } from './export';

export const USAGE = `usage: npm run models:retrain -- --model <name> [options]
  --model <name>          the model to retrain (digits-small or digits-full)
  --from-version <v>      the version to start from (default: the newest the manifest lists)
  --audit-id <id>         the audit log entry of this retraining, recorded in the new version's manifest entry
  --fresh-share <x>       the newest share of the labelled feedback kept aside as the fresh test set (default ${DEFAULT_FRESH_SHARE})
  --registry <dir>        the model registry folder to read and write (default MODEL_REPOSITORY, else public/models)
  --database-url <url>    the store: PostgreSQL (default DATABASE_URL) ...
  --data-dir <dir>        ... or the embedded PGlite (default DATA_DIR, else data)
  --min-labels <n>        refuse with fewer labelled inputs than this (default ${DEFAULT_MIN_LABELS})
  --work <dir>            where the export and the training files go (default training/.cache/retrain/<model>-<time>)
  --from-export <dir>     train on an export already written there (exportFromStore, by a process holding the store)
                          instead of reading the store
  --epochs <n>            fine-tuning epochs (default 3)
  --original <n>          original training digits per epoch (default 3000)
Run by the server (POST /v1/models/{m}/retrain), it takes --model, --from-version, --audit-id and --from-export from
${Object.values(RETRAIN_ENV).join(', ')} in the environment.
exit codes: 0 a new version written; 1 failed (too few labelled inputs, the store, training); 2 bad command line`;

export interface ExportOptions {
  readonly registry: string;
  readonly model: string;
  readonly freshShare: number;
  readonly minLabels: number;
  readonly work: string;
}

/** Too few labelled inputs to retrain on: nothing was written. */
export class TooFewLabelsError extends Error {
  override readonly name = 'TooFewLabelsError';
}

/**
 * Exports the model's labelled inputs from an open store into `work`, split by time. A process that
 * holds the store (a server on PGlite) calls this itself, then runs the command with --from-export.
 */
export async function exportFromStore(db: Queryable, options: ExportOptions): Promise<SplitFile> {
  const manifest = parseManifest(JSON.parse(await readFile(join(options.registry, 'manifest.json'), 'utf8')));
  const entry = manifest.models.filter((m) => m.name === options.model).sort((a, b) => Number(b.version) - Number(a.version))[0];
  if (!entry) throw new Error(`the registry ${options.registry} has no model named ${JSON.stringify(options.model)}`);
  const exported = await exportLabelledInputs(db, options.model, entry.labels);
  const count = exported.rows.length;
  if (count < options.minLabels) {
    throw new TooFewLabelsError(
      `${options.model} has ${count} labelled predictions with a stored input, fewer than the ${options.minLabels} a retraining needs ` +
        '(labels join predictions by key; inputs are kept when the server runs with LOG_INPUTS on)',
    );
  }
  const split = splitFresh(exported.rows, options.freshShare);
  return writeExport(options.work, options.model, options.freshShare, split, entry.inputs[0]?.shape.slice(1) ?? []);
}

/** Opens the store the settings name, exports, and closes it again (PGlite serves one process at a time) before it returns. */
export async function exportForRetraining(options: ExportOptions & { readonly store: DatabaseSettings }): Promise<SplitFile> {
  const db = await openDatabase(options.store);
  try {
    return await exportFromStore(db, options);
  } finally {
    await db.close();
  }
}

/** A store held by another process (a server on PGlite): that process can write the export instead. */
function explainLock(error: unknown): never {
  if (!(error instanceof StoreLockedError)) throw error;
  throw new Error(`${error.message} Or let the process that holds it write the export (exportFromStore) and run this command with --from-export <dir>.`, {
    cause: error,
  });
}

/** An export written before (by exportFromStore), for --from-export. */
async function readExport(dir: string, model: string): Promise<SplitFile> {
  const split = JSON.parse(await readFile(join(dir, 'split.json'), 'utf8')) as SplitFile;
  if (split.model !== model) throw new Error(`${dir}/split.json is an export of ${split.model}, not ${model}`);
  return split;
}

function parseShare(text: string): number {
  const share = Number(text);
  if (!/^0?\.\d+$/.test(text) || !(share > 0 && share < 1))
    throw new UsageError(`--fresh-share: ${JSON.stringify(text)} is not a share between 0 and 1, such as 0.3`);
  return share;
}

/** The repository: the training half runs there, whatever the caller's working directory. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs the training half in a process of its own; resolves with its exit code. */
function trainingHalf(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'training/retrain/main.ts', ...args], { stdio: 'inherit', cwd: ROOT });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

export async function retrainCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      model: { type: 'string' },
      'audit-id': { type: 'string' },
      'fresh-share': { type: 'string', default: String(DEFAULT_FRESH_SHARE) },
      registry: { type: 'string' },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      'min-labels': { type: 'string', default: String(DEFAULT_MIN_LABELS) },
      work: { type: 'string' },
      epochs: { type: 'string', default: '3' },
      original: { type: 'string', default: '3000' },
      'from-export': { type: 'string' },
      'from-version': { type: 'string' },
    },
  });
  // The server runs this command with the run's model, audit id and export in the environment.
  values.model ??= io.env[RETRAIN_ENV.model];
  values['audit-id'] ??= io.env[RETRAIN_ENV.auditId];
  values['from-export'] ??= io.env[RETRAIN_ENV.export];
  values['from-version'] ??= io.env[RETRAIN_ENV.fromVersion];
  if (!values.model) throw new UsageError(`--model is required (or ${RETRAIN_ENV.model} in the environment)`);
  if (values['database-url'] && values['data-dir']) throw new UsageError('give --database-url or --data-dir, not both');
  const fromExport = values['from-export'];
  if (fromExport && (values['database-url'] || values['data-dir'] || values.work || values['min-labels'] !== String(DEFAULT_MIN_LABELS))) {
    throw new UsageError('--from-export reads no store: give it without --database-url, --data-dir, --work or --min-labels');
  }
  const config = loadConfig(io.env);
  const store: DatabaseSettings = values['database-url']
    ? { databaseUrl: values['database-url'], dataDir: config.evaluation.store.dataDir }
    : values['data-dir']
      ? { databaseUrl: undefined, dataDir: values['data-dir'] }
      : config.evaluation.store;
  const options = {
    store,
    registry: values.registry ?? config.modelRegistry,
    model: values.model,
    freshShare: parseShare(values['fresh-share']),
    minLabels: parsePositiveInt('min-labels', values['min-labels']),
    work: fromExport ?? values.work ?? join(ROOT, 'training/.cache/retrain', `${values.model}-${new Date().toISOString().replace(/[:.]/g, '-')}`),
  };
  const epochs = String(parsePositiveInt('epochs', values.epochs));
  const original = String(parsePositiveInt('original', values.original));

  const started = Date.now();
  io.err(fromExport ? `== the export in ${fromExport}` : '== export of the labelled feedback');
  const split = fromExport ? await readExport(fromExport, options.model) : await exportForRetraining(options).catch(explainLock);
  io.err(
    `   ${split.finetune.count + split.fresh.count} labelled inputs: ${split.finetune.count} to fine-tune on (labelled until ${split.finetune.until}), ` +
      `${split.fresh.count} kept aside as the fresh test set (labelled from ${split.fresh.from}), in ${options.work}`,
  );
  io.err(`   export: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const code = await trainingHalf([
    absolute(options.work),
    ...['--model', options.model, '--registry', absolute(options.registry), '--epochs', epochs, '--original', original],
    ...(values['audit-id'] ? ['--audit-id', values['audit-id']] : []),
    ...(values['from-version'] ? ['--from-version', values['from-version']] : []),
  ]);
  io.err(`retrain: ${code === 0 ? 'done' : 'failed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return code;
}
