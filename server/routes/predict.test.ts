/**
 * The keyed :predict route: every key gets its own answer, PNG drawings are
 * preprocessed as in the app, a drawing that is not a digit is answered with
 * the model's reject label like any other, the logits and explain signatures
 * work, and bad requests are refused by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argmax, softmax } from '../../src/core/math/probabilities';
import type { Server } from '../app';
import { readyServer } from '../../test/server/test-server';
import { drawnLetterPixels, drawnPixels, drawnRgba, encodePngBase64, packModel } from '../../test/drawn-digits';

let server: Server;
beforeAll(async () => {
  server = await readyServer({ MAX_INSTANCES: '12', EXPLAIN_MAX_INSTANCES: '2' });
});
afterAll(() => server.app.close());

const predict = (payload: unknown, url = '/v1/models/digits-full:predict') => server.app.inject({ method: 'POST', url, payload: payload as object });
const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const FULL = packModel('digits-full');

describe('keyed predictions', () => {
  it('returns every key with its own label and probabilities, whatever the order', async () => {
    const keys = DIGITS.map((d) => `drawing-${d}-${Math.random().toString(36).slice(2)}`);
    const order = [7, 2, 9, 0, 4, 1, 8, 3, 6, 5];
    const response = await predict({ instances: order.map((d) => ({ key: keys[d], pixels: drawnPixels(d) })) });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ model: 'digits-full', model_version: '1', signature: 'serving_default' });
    for (const p of body.predictions) {
      const digit = keys.indexOf(p.key);
      expect(digit).toBeGreaterThanOrEqual(0);
      expect(p.label).toBe(String(digit));
      expect(p.probabilities).toHaveLength(FULL.labels.length);
      expect(FULL.labels[argmax(p.probabilities)]).toBe(p.label);
      expect(p.probabilities.reduce((s: number, v: number) => s + v, 0)).toBeCloseTo(1, 5);
      expect(p).not.toHaveProperty('explanation');
    }
    expect(body.predictions.map((p: { key: string }) => p.key).sort()).toEqual([...keys].sort());
  });

  it('preprocesses a PNG drawing as the app does, dark-on-light or light-on-dark', async () => {
    const instances = [
      ...[4, 7].map((d) => ({ key: `dark-${d}`, image: encodePngBase64(280, 280, drawnRgba(d)) })),
      { key: 'light-2', image: `data:image/png;base64,${encodePngBase64(280, 280, drawnRgba(2, true))}`, ink: 'light-on-dark' },
      { key: 'pixels-4', pixels: drawnPixels(4) },
    ];
    const predictions = (await predict({ instances })).json().predictions as { key: string; label: string; probabilities: number[] }[];
    const byKey = Object.fromEntries(predictions.map((p) => [p.key, p]));
    expect([byKey['dark-4']?.label, byKey['dark-7']?.label, byKey['light-2']?.label]).toEqual(['4', '7', '2']);
    // The server's preprocessing of the PNG matches the app's of the same drawing.
    byKey['dark-4']?.probabilities.forEach((v, i) => expect(v).toBeCloseTo(byKey['pixels-4']?.probabilities[i] ?? NaN, 5));
  });

  it.each(['/v1/models/digits-full:predict', '/v1/models/digits-small/versions/1:predict'])(
    'answers a drawing that is not a digit with the reject label beside a digit, at %s',
    async (url) => {
      const model = packModel(url.includes('digits-small') ? 'digits-small' : 'digits-full');
      expect(model.reject_label).toBe('not-a-digit');
      const reject = model.labels.indexOf(model.reject_label ?? '');
      const response = await predict(
        {
          instances: [
            { key: 'letter-a', pixels: drawnLetterPixels() },
            { key: 'seven', pixels: drawnPixels(7) },
          ],
        },
        url,
      );
      expect(response.statusCode).toBe(200);
      const byKey = Object.fromEntries((response.json().predictions as { key: string; label: string; probabilities: number[] }[]).map((p) => [p.key, p]));
      expect(byKey['letter-a']?.label).toBe(model.reject_label);
      const letter = byKey['letter-a']?.probabilities ?? [];
      expect(letter).toHaveLength(model.labels.length);
      expect(argmax(letter)).toBe(reject);
      expect(letter[reject]).toBeGreaterThan(0.5);
      expect(letter.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
      // The digit in the same request keeps its own answer.
      expect(byKey['seven']?.label).toBe('7');
      expect(argmax(byKey['seven']?.probabilities ?? [])).toBe(model.labels.indexOf('7'));
      expect(byKey['seven']?.probabilities[reject]).toBeLessThan(0.5);
    },
  );

  it('answers a named version and the small model too', async () => {
    const response = await predict({ instances: [{ key: 'k', pixels: drawnPixels(3) }] }, '/v1/models/digits-small/versions/1:predict');
    expect(response.json()).toMatchObject({ model: 'digits-small', model_version: '1', predictions: [{ key: 'k', label: '3' }] });
  });

  it('gives raw logits under the "logits" signature, whose softmax is serving_default', async () => {
    const instances = [{ key: 'a', pixels: drawnPixels(8) }];
    const logits = (await predict({ signature: 'logits', instances })).json().predictions[0];
    const probabilities = (await predict({ instances })).json().predictions[0].probabilities as number[];
    expect(logits).not.toHaveProperty('probabilities');
    Array.from(softmax(logits.logits)).forEach((v, i) => expect(v).toBeCloseTo(probabilities[i] ?? NaN, 6));
  });

  it('explains only when asked: an occlusion map that points at the ink', async () => {
    const pixels = drawnPixels(1);
    const body = (await predict({ signature: 'explain', instances: [{ key: 'one', pixels }] })).json();
    const { explanation, label } = body.predictions[0];
    expect(label).toBe('1');
    expect(explanation).toMatchObject({ method: 'occlusion', patch: 4, rows: 7, cols: 7 });
    const drop = explanation.drop as number[][];
    // Blanking a patch without ink cannot change the input, so it cannot move the answer.
    for (let r = 0; r < 7; r++) {
      for (let c = 0; c < 7; c++) {
        let ink = 0;
        for (let y = r * 4; y < r * 4 + 4; y++) for (let x = c * 4; x < c * 4 + 4; x++) ink += pixels[y * 28 + x] ?? 0;
        if (ink === 0) expect(drop[r]?.[c]).toBe(0);
      }
    }
    expect(Math.max(...drop.flat())).toBeGreaterThan(0);
  });
});

describe('keyed predictions refuse bad requests, naming the problem', () => {
  const good = () => ({ key: 'k', pixels: drawnPixels(5) });
  it.each([
    ['a repeated key', { instances: [good(), good()] }, /instances\[1\]\.key "k" is repeated/, 'INVALID_REQUEST'],
    [
      'too many instances',
      { instances: Array.from({ length: 13 }, (_, i) => ({ ...good(), key: `k${i}` })) },
      /13 instances in one request; the limit for signature "serving_default" is 12/,
      'TOO_MANY_INSTANCES',
    ],
    [
      'too many to explain',
      { signature: 'explain', instances: [1, 2, 3].map((i) => ({ ...good(), key: `k${i}` })) },
      /the limit for signature "explain" is 2/,
      'TOO_MANY_INSTANCES',
    ],
    [
      'an unknown signature',
      { signature: 'fast', instances: [good()] },
      /unknown signature "fast"; known: serving_default, logits, explain/,
      'INVALID_REQUEST',
    ],
    ['no key', { instances: [{ pixels: drawnPixels(5) }] }, /instances\[0\]\.key must be a non-empty string/, 'INVALID_REQUEST'],
    ['a numeric key', { instances: [{ key: 7, pixels: drawnPixels(5) }] }, /instances\[0\]\.key must be a non-empty string/, 'INVALID_REQUEST'],
    ['pixels and image', { instances: [{ ...good(), image: 'iVBO' }] }, /exactly one of "pixels" or "image"/, 'INVALID_REQUEST'],
    [
      'a pixel out of range',
      { instances: [{ key: 'k', pixels: [...drawnPixels(5).slice(0, 783), 1.5] }] },
      /instances\[0\]\.pixels\[783\] must be a number in 0\.\.1, got 1\.5/,
      'INVALID_REQUEST',
    ],
    ['too few pixels', { instances: [{ key: 'k', pixels: [0, 1] }] }, /pixels has 2 values; model digits-full takes 784 \(1x28x28\)/, 'INVALID_REQUEST'],
    ['text that is not base64', { instances: [{ key: 'k', image: 'not base64!' }] }, /instances\[0\]\.image is not base64/, 'INVALID_IMAGE'],
    [
      'base64 that is not a PNG',
      { instances: [{ key: 'k', image: Buffer.from('GIF89a-and-more-bytes-here').toString('base64') }] },
      /is not a PNG image/,
      'INVALID_IMAGE',
    ],
    ['an empty drawing', { instances: [{ key: 'k', image: encodePngBase64(8, 8, new Uint8Array(256).fill(255)) }] }, /the drawing is empty/, 'INVALID_IMAGE'],
    [
      'an unknown ink',
      { instances: [{ key: 'k', image: encodePngBase64(8, 8, new Uint8Array(256).fill(255)), ink: 'red' }] },
      /ink must be one of dark-on-light, light-on-dark/,
      'INVALID_REQUEST',
    ],
    ['an unknown field', { instances: [{ ...good(), label: '5' }] }, /instances\[0\] has unknown field\(s\) "label"/, 'INVALID_REQUEST'],
    ['an unknown top-level field', { instances: [good()], deadline: 5 }, /unknown field\(s\) "deadline"/, 'INVALID_REQUEST'],
    ['no instances', { signature: 'logits' }, /"instances" must be an array/, 'INVALID_REQUEST'],
  ])('%s', async (_what, payload, message, code) => {
    const response = await predict(payload);
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json()).sort()).toEqual(['code', 'error']);
    expect(response.json().error).toMatch(message);
    expect(response.json().code).toBe(code);
  });

  it('refuses a PNG whose header claims a huge image, before inflating it', async () => {
    const png = Buffer.from(encodePngBase64(8, 8, new Uint8Array(256)), 'base64');
    png.writeUInt32BE(100_000, 16);
    const response = await predict({ instances: [{ key: 'k', image: png.toString('base64') }] });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'INVALID_IMAGE', error: expect.stringMatching(/is 100000x8; images must be 1 to 4096 pixels a side/) });
  });

  it('answers 404 for an unknown verb or model', async () => {
    const verb = await predict({ instances: [good()] }, '/v1/models/digits-full:classify');
    expect(verb.json()).toMatchObject({ code: 'NOT_FOUND', error: expect.stringMatching(/did you mean ":predict"/) });
    const model = await predict({ instances: [good()] }, '/v1/models/nope:predict');
    expect([model.statusCode, model.json().code]).toEqual([404, 'MODEL_NOT_FOUND']);
    const version = await predict({ instances: [good()] }, '/v1/models/digits-full/versions/2:predict');
    expect([version.statusCode, version.json().code]).toEqual([404, 'VERSION_NOT_FOUND']);
  });
});
