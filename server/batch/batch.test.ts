/**
 * The batch command run in this process on JSONL and CSV inputs: its labels
 * are the model's own (a direct onnxruntime run on the same rows), a drawing
 * that is not a digit gets the model's reject label beside digits, bad rows of
 * every kind land in the errors files with their line and code while the good
 * rows around them are predicted as usual, a job with too many bad rows stops
 * early, and each mistake of the user is a clear message with its exit code.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputRows, pixelColumns, readJob, rowPixels, scratch, writeCsv, writeJsonl, digitPng } from '../../test/batch/inputs';
import { batch, oracleLabels } from '../../test/batch/run';
import { drawnLetterPixels, packModel } from '../../test/drawn-digits';
import { imageToInput } from '../serving/decode/decode-image';
import { checkPngBase64 } from '../serving/inference/png';

const MODEL = 'digits-small';
/** The model's outputs, one per label of its manifest entry. */
const CLASSES = packModel(MODEL).labels.length;
const predict = (input: string, output: string, ...more: string[]) =>
  batch(['predict', '--model', MODEL, '--input', input, '--output', output, '--workers', '2', ...more]);
const imageInput = (png: string) => Array.from(imageToInput({ png: checkPngBase64(png, 'image'), ink: 'dark-on-light', preprocessing: 'mnist-28x28-com' }));
const byKey = <T extends { key?: string }>(rows: readonly T[]) => new Map(rows.map((r) => [r.key as string, r]));

describe('batch predict gives the model its own labels', () => {
  it('on JSONL rows of pixels and of images, with probabilities or logits', async () => {
    const dir = scratch();
    const pixels = Array.from({ length: 300 }, (_, i) => rowPixels(i));
    const pngs = Array.from({ length: 10 }, (_, d) => digitPng(d));
    const input = writeJsonl(join(dir, 'in.jsonl'), [
      ...pixels.map((p, i) => ({ key: `p${i}`, pixels: p })),
      ...pngs.map((image, d) => ({ key: `img${d}`, image })),
    ]);
    const run = await predict(input, join(dir, 'out'), '--chunk-rows', '64');
    expect(run.code, run.err).toBe(0);
    const expected = await oracleLabels(MODEL, [...pixels, ...pngs.map(imageInput)]);
    const predictions = byKey(outputRows(join(dir, 'out'), 'predictions'));
    expect(predictions.size).toBe(310);
    pixels.forEach((_, i) => expect(predictions.get(`p${i}`)?.label).toBe(expected[i]));
    pngs.forEach((_, d) => expect(predictions.get(`img${d}`)?.label).toBe(expected[300 + d]));
    const first = predictions.get('p0');
    expect(first).toMatchObject({ model: MODEL, model_version: '1' });
    expect(first?.probabilities).toHaveLength(CLASSES);
    expect(first?.probabilities?.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(outputRows(join(dir, 'out'), 'errors')).toEqual([]);
    const job = readJob(join(dir, 'out'));
    expect(job).toMatchObject({ status: 'succeeded', model: MODEL, model_version: '1', counts: { rows: 310, successful: 310, failed: 0 } });
    expect(JSON.parse(run.out)).toMatchObject({ status: 'succeeded', successful: 310, failed: 0 });

    const logits = await predict(input, join(dir, 'logits'), '--signature', 'logits');
    expect(logits.code, logits.err).toBe(0);
    const scored = byKey(outputRows(join(dir, 'logits'), 'predictions'));
    expect(scored.get('p7')?.logits).toHaveLength(CLASSES);
    expect(scored.get('p7')?.label).toBe(expected[7]);
    // Each line is the prediction's compact JSON, its fields in this order.
    for (const [out, values] of [
      ['out', 'probabilities'],
      ['logits', 'logits'],
    ] as const) {
      const line = readFileSync(join(dir, out, 'predictions-00000.jsonl'), 'utf8').split('\n')[0] as string;
      const row = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(row)).toEqual(['key', 'label', values, 'model', 'model_version']);
      expect(line).toBe(JSON.stringify(row));
    }
  });

  it('on CSV rows of pixel columns and of image paths, keyed or by line number', async () => {
    const dir = scratch();
    const pixels = Array.from({ length: 120 }, (_, i) => rowPixels(i));
    const csv = writeCsv(
      join(dir, 'pixels.csv'),
      ['key', ...pixelColumns()],
      pixels.map((p, i) => [`c${i}`, ...p]),
    );
    const run = await predict(csv, join(dir, 'out'), '--chunk-rows', '50');
    expect(run.code, run.err).toBe(0);
    const expected = await oracleLabels(MODEL, pixels);
    const predictions = byKey(outputRows(join(dir, 'out'), 'predictions'));
    expect(predictions.size).toBe(120);
    pixels.forEach((_, i) => expect(predictions.get(`c${i}`)?.label).toBe(expected[i]));

    mkdirSync(join(dir, 'images'));
    const pngs = Array.from({ length: 10 }, (_, d) => digitPng(d));
    pngs.forEach((png, d) => writeFileSync(join(dir, 'images', `${d}.png`), Buffer.from(png, 'base64')));
    // No key column: each row's key is its line number (the header is line 1).
    const images = writeCsv(
      join(dir, 'images.csv'),
      ['image'],
      pngs.map((_, d) => [`images/${d}.png`]),
    );
    const imageRun = await predict(images, join(dir, 'images-out'), '--chunk-rows', '3');
    expect(imageRun.code, imageRun.err).toBe(0);
    const imageExpected = await oracleLabels(MODEL, pngs.map(imageInput));
    const imagePredictions = byKey(outputRows(join(dir, 'images-out'), 'predictions'));
    pngs.forEach((_, d) => expect(imagePredictions.get(String(d + 2))?.label).toBe(imageExpected[d]));
  });

  it.each(['digits-small', 'digits-full'])('answers the reject label for a drawing that is not a digit, beside digits (%s)', async (model) => {
    const entry = packModel(model);
    const reject = entry.labels.indexOf(entry.reject_label ?? '');
    expect(reject, `${model} names a reject label`).toBeGreaterThanOrEqual(0);
    const dir = scratch();
    const digits = Array.from({ length: 10 }, (_, d) => rowPixels(d));
    const letter = drawnLetterPixels();
    // The letter in the middle of the file and of a chunk, between digits.
    const input = writeJsonl(join(dir, 'in.jsonl'), [
      ...digits.slice(0, 5).map((p, d) => ({ key: `d${d}`, pixels: p })),
      { key: 'letter-a', pixels: letter },
      ...digits.slice(5).map((p, i) => ({ key: `d${i + 5}`, pixels: p })),
    ]);
    const run = await batch(['predict', '--model', model, '--input', input, '--output', join(dir, 'out'), '--workers', '2', '--chunk-rows', '4']);
    expect(run.code, run.err).toBe(0);
    const predictions = byKey(outputRows(join(dir, 'out'), 'predictions'));
    expect(predictions.size).toBe(11);
    const answer = predictions.get('letter-a');
    expect(answer?.label).toBe(entry.reject_label);
    expect(answer?.probabilities).toHaveLength(entry.labels.length);
    expect(Math.max(...(answer?.probabilities ?? []))).toBe(answer?.probabilities?.[reject]);
    // The digits around it keep their own answers: the drawn digit, as the model file itself gives it.
    const expected = await oracleLabels(model, [...digits, letter]);
    expect(expected[10]).toBe(entry.reject_label);
    digits.forEach((_, d) => {
      expect(predictions.get(`d${d}`)?.label).toBe(expected[d]);
      expect(predictions.get(`d${d}`)?.label).toBe(String(d));
    });
    expect(outputRows(join(dir, 'out'), 'errors')).toEqual([]);
  });

  it('takes keys from the field --key-field names', async () => {
    const dir = scratch();
    const input = writeJsonl(
      join(dir, 'in.jsonl'),
      [0, 1, 2].map((i) => ({ id: 100 + i, pixels: rowPixels(i) })),
    );
    const run = await predict(input, join(dir, 'out'), '--key-field', 'id');
    expect(run.code, run.err).toBe(0);
    expect([...byKey(outputRows(join(dir, 'out'), 'predictions')).keys()].sort()).toEqual(['100', '101', '102']);
  });
});

describe('bad rows', () => {
  it('land in the errors files with their line and code; the good rows around them are predicted', async () => {
    const dir = scratch();
    const good = (i: number) => ({ key: `g${i}`, pixels: rowPixels(i) });
    const outOfRange = rowPixels(3).map((v, i) => (i === 5 ? 2 : v));
    const rows = [
      good(0),
      '{"key": "bad-json", "pixels": [0, 1',
      good(1),
      { key: 'short', pixels: [0, 0.5, 1] },
      good(2),
      { key: 'range', pixels: outOfRange },
      good(3),
      { key: 'png', image: Buffer.from('not a png at all').toString('base64') },
      good(4),
      { pixels: rowPixels(5) },
      good(5),
      { key: 'g1', pixels: rowPixels(1) },
      good(6),
      '',
      good(7),
    ];
    const input = writeJsonl(join(dir, 'in.jsonl'), rows);
    const run = await predict(input, join(dir, 'out'), '--chunk-rows', '4', '--max-error-rate', '0.9');
    expect(run.code, run.err).toBe(0);
    const errors = outputRows(join(dir, 'out'), 'errors').sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    expect(errors.map((e) => [e.line, e.key, e.error?.code])).toEqual([
      [2, 'bad-json', 'INVALID_JSON'],
      [4, 'short', 'INVALID_REQUEST'],
      [6, 'range', 'INVALID_REQUEST'],
      [8, 'png', 'INVALID_IMAGE'],
      [10, undefined, 'INVALID_REQUEST'],
      [12, 'g1', 'INVALID_REQUEST'],
    ]);
    expect(errors[1]?.error?.message).toMatch(/^pixels has 3 values/);
    expect(errors[2]?.error?.message).toMatch(/^pixels\[5\] must be a number in 0\.\.1, got 2/);
    expect(errors[4]?.error?.message).toMatch(/has no "key"/);
    expect(errors[5]?.error?.message).toMatch(/first seen on line 3/);
    const expected = await oracleLabels(MODEL, [0, 1, 2, 3, 4, 5, 6, 7].map(rowPixels));
    const predictions = byKey(outputRows(join(dir, 'out'), 'predictions'));
    expect([...predictions.keys()].sort()).toEqual(['g0', 'g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7']);
    [0, 1, 2, 3, 4, 5, 6, 7].forEach((i) => expect(predictions.get(`g${i}`)?.label).toBe(expected[i]));
    expect(readJob(join(dir, 'out')).counts).toMatchObject({ rows: 14, successful: 8, failed: 6 });
  });

  it('a key repeated in another spelling (escapes) is the same key: refused after its first row, across chunks', async () => {
    const dir = scratch();
    const pixels = JSON.stringify(rowPixels(2));
    const input = writeJsonl(join(dir, 'in.jsonl'), [
      `{"key":"ab","pixels":${pixels}}`,
      `{"key":"q\\"t","pixels":${pixels}}`,
      `{"key": "a\\u0062", "pixels": ${pixels}}`,
      `{"key":"q\\u0022t","pixels":${pixels}}`,
      `{"key":"\\u00e9","pixels":${pixels}}`,
      `{"key":"é","pixels":${pixels}}`,
    ]);
    const run = await predict(input, join(dir, 'out'), '--chunk-rows', '2', '--max-error-rate', '1');
    expect(run.code, run.err).toBe(0);
    const errors = outputRows(join(dir, 'out'), 'errors').sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    expect(errors.map((e) => [e.line, e.key, e.error?.message.match(/first seen on line (\d+)/)?.[1]])).toEqual([
      [3, 'ab', '1'],
      [4, 'q"t', '2'],
      [6, 'é', '5'],
    ]);
    expect(outputRows(join(dir, 'out'), 'predictions').map((p) => p.key)).toEqual(['ab', 'q"t', 'é']);
  });

  it('of a CSV: a value that is not a number, a wrong width, an image that is missing or outside the folder', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'three.png'), Buffer.from(digitPng(3), 'base64'));
    writeFileSync(join(dir, 'broken.png'), 'PNG? no');
    const images = writeCsv(
      join(dir, 'in.csv'),
      ['key', 'image'],
      [['a', 'three.png'], ['b', 'missing.png'], ['c', '../outside.png'], ['d', 'broken.png'], 'e,three.png,extra', ['a', 'three.png'], ['f', 'three.png']],
    );
    const run = await predict(images, join(dir, 'out'), '--max-error-rate', '1');
    expect(run.code, run.err).toBe(0);
    const errors = outputRows(join(dir, 'out'), 'errors').map((e) => [e.line, e.key, e.error?.code]);
    expect(errors).toEqual([
      [3, 'b', 'INVALID_IMAGE'],
      [4, 'c', 'INVALID_REQUEST'],
      [5, 'd', 'INVALID_IMAGE'],
      [6, undefined, 'INVALID_REQUEST'],
      [7, 'a', 'INVALID_REQUEST'],
    ]);
    expect(outputRows(join(dir, 'out'), 'predictions').map((p) => p.key)).toEqual(['a', 'f']);

    const pixels = writeCsv(
      join(dir, 'pixels.csv'),
      ['key', ...pixelColumns()],
      [
        ['x', ...rowPixels(1)],
        ['y', 'dark', ...rowPixels(1).slice(1)],
      ],
    );
    const pixelRun = await predict(pixels, join(dir, 'pixels-out'), '--max-error-rate', '1');
    expect(pixelRun.code, pixelRun.err).toBe(0);
    expect(outputRows(join(dir, 'pixels-out'), 'errors')).toEqual([
      { line: 3, key: 'y', error: { code: 'INVALID_REQUEST', message: 'column pixels_0 is not a number: "dark"' } },
    ]);
  });

  it('stop the job early when more than --max-error-rate of the rows done failed', async () => {
    const dir = scratch();
    const rows = Array.from({ length: 400 }, (_, i) => (i % 10 < 7 ? `{"key": "k${i}", "pixels": "nope"}` : { key: `k${i}`, pixels: rowPixels(i) }));
    const input = writeJsonl(join(dir, 'in.jsonl'), rows);
    const run = await predict(input, join(dir, 'out'), '--chunk-rows', '20', '--workers', '1');
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/stopped early: 14 of 20 rows failed \(70\.0%\), more than --max-error-rate 0\.5/);
    const job = readJob(join(dir, 'out'));
    expect(job.status).toBe('failed');
    expect(job.message).toMatch(/^stopped early/);
    expect(job.counts['pending_rows']).toBeGreaterThan(0);
  });
});

describe('clear errors', () => {
  it('exit with 1 and say what is wrong', async () => {
    const dir = scratch();
    const good = writeJsonl(join(dir, 'in.jsonl'), [{ key: 'a', pixels: rowPixels(1) }]);
    writeFileSync(join(dir, 'empty.jsonl'), '\n\n');
    const cases: [string[], RegExp][] = [
      [['--input', join(dir, 'none.jsonl'), '--output', join(dir, 'o1')], /none\.jsonl: cannot read the input \(no such file\)/],
      [['--input', join(dir, 'empty.jsonl'), '--output', join(dir, 'o2')], /the input has no rows/],
      [
        ['--input', good, '--output', join(dir, 'o3'), '--model', 'nope'],
        /unknown model "nope"; the manifest lists: digits-small, digits-full|unknown model "nope"/,
      ],
      [['--input', good, '--output', join(dir, 'o4'), '--model', `${MODEL}@9`], /model "digits-small" has no version "9"; versions: 1/],
      [['--input', join(dir, 'in.txt'), '--output', join(dir, 'o5')], /must be a \.jsonl .* or a \.csv file/],
    ];
    for (const [args, message] of cases) {
      const run = await batch(['predict', '--model', MODEL, ...args]);
      expect(run.code, run.err).toBe(1);
      expect(run.err).toMatch(message);
    }
  });

  it('refuse an output folder holding another job, and resume the same job', async () => {
    const dir = scratch();
    const input = writeJsonl(join(dir, 'in.jsonl'), [{ key: 'a', pixels: rowPixels(1) }]);
    const output = join(dir, 'out');
    expect((await predict(input, output)).code).toBe(0);
    const other = await batch(['predict', '--model', 'digits-full', '--input', input, '--output', output]);
    expect(other.code).toBe(1);
    expect(other.err).toMatch(/holds the output of another job: model "digits-small" \(now "digits-full"\)/);
    const logits = await predict(input, output, '--signature', 'logits');
    expect(logits.err).toMatch(/signature "serving_default" \(now "logits"\)/);
    const again = await predict(input, output);
    expect(again.code, again.err).toBe(0);
    expect(again.err).toMatch(/resuming 1 rows .* \(0 left\)/);
    expect(outputRows(output, 'predictions')).toHaveLength(1);
  });

  it('print the usage and exit with 2 for a bad command line', async () => {
    for (const args of [
      [],
      ['predcit'],
      ['predict', '--input', 'x.jsonl'],
      ['predict', '--model', 'm', '--input', 'i.jsonl', '--output', 'o', '--workers', 'two'],
      ['predict', '--bogus'],
    ]) {
      const run = await batch(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.err).toMatch(/usage: npm run batch -- predict/);
    }
    expect((await batch(['--help'])).code).toBe(0);
  });
});
