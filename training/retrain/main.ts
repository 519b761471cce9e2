/**
 * The training half of `npm run models:retrain`: from a work folder the
 * export wrote (split.json, finetune.samples.json, fresh.samples.json), it
 * fine-tunes the model's newest version in the registry (finetune.py, PyTorch
 * from Debian), quantizes it when that version is int8 (tools/quantize),
 * measures it on the held-out split and both versions on the fresh set, and
 * writes the new version into the registry with its manifest entry and its
 * reference statistics. Prints each step with its wall time.
 * Usage: tsx training/retrain/main.ts <work-dir> --model <name> --registry <dir>
 *        [--audit-id <id>] [--from-version <v>] [--epochs 3] [--original 3000] [--data training/.cache/data]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { accuracyOf, runRows } from '../../tools/onnx/evaluate';
import { decodeModel } from '../../tools/onnx/onnx-model';
import { readSamples, writeSamples } from '../../tools/onnx/samples-file';
import { HELDOUT_SAMPLES } from '../../src/core/api/retrain';
import { quantizeModel } from '../../tools/quantize/quantize';
import { asSamples, loadPart } from '../data/datasets';
import { computeReference } from '../reference/compute';
import { recordReferences, writeReference } from '../reference/write';
import { addVersion, currentVersion, entryOf, versionOf, keysSha256, nextVersion, readRegistryManifest } from './version';

const PYTHON = process.env['PYTHON'] ?? '/usr/bin/python3';
/** Augmented copies when the training data must be rebuilt (training/run.sh's default). */
const COPIES = process.env['AUGMENTED_COPIES'] ?? '20';
/** The architecture of training/models.py behind each model of the pack. */
const ARCHITECTURES: Readonly<Record<string, string>> = { 'digits-small': 'small', 'digits-full': 'full' };

interface SplitFile {
  model: string;
  fresh_share: number;
  finetune: { count: number; keys: string[]; until: string | null };
  fresh: { count: number; keys: string[]; from: string | null };
}

const FINETUNE = fileURLToPath(new URL('./finetune.py', import.meta.url));
const BUILD_DATA = fileURLToPath(new URL('../data/build.ts', import.meta.url));

const started = Date.now();
async function step<T>(title: string, work: () => Promise<T> | T): Promise<T> {
  console.log(`== ${title}`);
  const t = Date.now();
  const result = await work();
  console.log(`   ${title}: ${((Date.now() - t) / 1000).toFixed(1)} s (${((Date.now() - started) / 1000).toFixed(1)} s in all)`);
  return result;
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      registry: { type: 'string' },
      'audit-id': { type: 'string' },
      'from-version': { type: 'string' },
      epochs: { type: 'string', default: '3' },
      original: { type: 'string', default: '3000' },
      data: { type: 'string', default: 'training/.cache/data' },
    },
  });
  const [work] = positionals;
  const { model: name, registry, data } = values;
  if (!work || !name || !registry)
    throw new Error('usage: tsx training/retrain/main.ts <work-dir> --model <name> --registry <dir> [--audit-id <id>] [--epochs n] [--original n]');
  const architecture = ARCHITECTURES[name];
  if (!architecture) throw new Error(`--model: no architecture for ${JSON.stringify(name)}; known: ${Object.keys(ARCHITECTURES).join(', ')}`);
  const split = JSON.parse(await readFile(join(work, 'split.json'), 'utf8')) as SplitFile;
  if (split.model !== name) throw new Error(`${work}/split.json is an export of ${split.model}, not ${name}`);

  const manifest = await readRegistryManifest(registry);
  const from = values['from-version'] ? versionOf(manifest, name, values['from-version']) : currentVersion(manifest, name);
  const version = nextVersion(manifest, name);
  const startFile = join(registry, from.file);
  console.log(
    `${name}: version ${version} from version ${from.version} (${startFile}); ${split.finetune.count} feedback inputs to learn from, ${split.fresh.count} fresh`,
  );

  if (!existsSync(join(data, 'meta.json'))) {
    await step('training data (rebuilt: missing)', () => run(process.execPath, ['--import', 'tsx', BUILD_DATA, data, COPIES, '--if-missing']));
  }
  const fp32 = join(work, 'model-fp32.onnx');
  const reportPath = join(work, 'finetune-report.json');
  await step('fine-tuning (PyTorch)', () =>
    run(PYTHON, [
      FINETUNE,
      ...['--model', architecture, '--start', startFile, '--data', data, '--feedback', join(work, 'finetune.samples.json')],
      ...['--out', fp32, '--report', reportPath, '--epochs', values.epochs, '--original', values.original],
    ]),
  );
  const report = JSON.parse(await readFile(reportPath, 'utf8')) as {
    parameters: number;
    seed: number;
    epochs: number;
    original_digits_per_epoch: number;
    original_negatives_per_epoch: number;
  };
  let bytes: Uint8Array = await readFile(fp32);
  if (from.precision === 'int8') {
    const calibration = await readSamples(join(data, 'calibration.samples.json'));
    bytes = await step('quantizing (int8 QDQ)', async () => quantizeModel(decodeModel(bytes), calibration, { reduceRange: true }));
    await writeFile(join(work, 'model.onnx'), bytes);
  }

  const figures = await step('measuring (held-out split, fresh set)', async () => {
    const heldout = loadPart('heldout');
    // The server's champion/challenger gate scores both versions on it (RETRAIN_COMMAND's contract).
    await writeSamples(join(work, HELDOUT_SAMPLES), asSamples(heldout));
    const fresh = await readSamples(join(work, 'fresh.samples.json'));
    const freshLabels = fresh.labels ?? [];
    const previous = await readFile(startFile);
    return {
      heldout: { count: heldout.labels.length, accuracy: accuracyOf(await runRows(bytes, asSamples(heldout)), heldout.labels) },
      fresh: accuracyOf(await runRows(bytes, fresh), freshLabels),
      previousFresh: accuracyOf(await runRows(previous, fresh), freshLabels),
      previousHeldout: from.metrics.heldout.accuracy,
    };
  });
  console.log(
    `   held-out: ${pct(figures.heldout.accuracy)} (version ${from.version}: ${pct(figures.previousHeldout)}); ` +
      `fresh set (${split.fresh.count}): ${pct(figures.fresh)} (version ${from.version}: ${pct(figures.previousFresh)})`,
  );

  const entry = entryOf({
    from,
    version,
    bytes,
    parameters: report.parameters,
    heldout: figures.heldout,
    training: {
      from_version: from.version,
      ...(values['audit-id'] ? { audit_id: values['audit-id'] } : {}),
      seed: report.seed,
      epochs: report.epochs,
      finetune: { count: split.finetune.count, keys_sha256: keysSha256(split.finetune.keys), until: split.finetune.until ?? '' },
      original: { digits_per_epoch: report.original_digits_per_epoch, negatives_per_epoch: report.original_negatives_per_epoch },
      fresh: {
        count: split.fresh.count,
        share: split.fresh_share,
        keys_sha256: keysSha256(split.fresh.keys),
        from: split.fresh.from ?? '',
        accuracy: figures.fresh,
        previous_accuracy: figures.previousFresh,
      },
    },
  });
  await step('writing the version and its reference statistics', async () => {
    await addVersion(registry, entry, bytes);
    const validation = loadPart('validation');
    const reference = computeReference(entry, await runRows(bytes, asSamples(validation)), validation);
    const written = await writeReference(registry, reference);
    await recordReferences(registry, new Map([[written.file, written]]));
  });
  await writeFile(
    join(work, 'result.json'),
    `${JSON.stringify({ model: name, version, file: entry.file, training: entry.training, heldout: figures.heldout }, null, 2)}\n`,
  );
  console.log(`wrote ${join(registry, entry.file)} and its entry in ${join(registry, 'manifest.json')} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

main().catch((error: unknown) => {
  console.error(`retrain: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
