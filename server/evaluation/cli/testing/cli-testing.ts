/**
 * What the CLI's tests share: an Io that records what a command prints, the
 * settings of a test store as the environment the CLI reads, and logged
 * predictions shaped as the prediction log writes them.
 */
import { packModel } from '../../../../test/drawn-digits';
import type { DatabaseSettings } from '../../../db/database';
import type { PredictionRow } from '../../log/records';
import type { Io } from '../../../cli/io';

export interface CapturedIo extends Io {
  /** Everything written to stdout. */
  stdout(): string;
  /** The lines written to stderr. */
  stderr(): string[];
}

export function captureIo(env: Record<string, string | undefined>): CapturedIo {
  let stdout = '';
  const stderr: string[] = [];
  return {
    env,
    out: (text) => (stdout += text),
    err: (line) => stderr.push(...line.split('\n')),
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

/** The environment that names this store (and only it: nothing is inherited from the test's own environment). */
export function storeEnv(settings: DatabaseSettings, extra: Record<string, string> = {}): Record<string, string> {
  return { ...(settings.databaseUrl === undefined ? { DATA_DIR: settings.dataDir } : { DATABASE_URL: settings.databaseUrl }), ...extra };
}

/** A logged prediction of label index `label` (among the model's labels) with `confidence` on it, as ingest.test.ts makes them. */
export function predictionRow(
  key: string,
  label: number,
  time: number,
  options: { model?: string; source?: PredictionRow['source']; confidence?: number; gateFired?: boolean } = {},
): PredictionRow {
  const model = options.model ?? 'digits-full';
  // One output per label of the model's manifest entry.
  const n = packModel(model).labels.length;
  const confidence = options.confidence ?? 0.91;
  const rest = (1 - confidence) / (n - 1);
  return {
    key,
    model,
    version: '1',
    source: options.source ?? 'cloud',
    signature: 'serving_default',
    time,
    labelIndex: label,
    probabilities: Array.from({ length: n }, (_, i) => (i === label ? confidence : rest)),
    input: undefined,
    features: undefined,
    requestId: 'r1',
    latencyMs: 2.5,
    gateFired: options.gateFired,
    answeredBy: undefined,
  };
}
