/**
 * The Open Inference Protocol routes: health, readiness and metadata, and infer
 * with flat or nested tensors (a drawing that is not a digit answered with the
 * reject class like any other), bad requests refused with their reason.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../app';
import { runRows } from '../../tools/onnx/evaluate';
import { coldServer, readyServer } from '../../test/server/test-server';
import { argmax } from '../../src/core/math/probabilities';
import { drawnLetterPixels, drawnPixels, packModel } from '../../test/drawn-digits';

let server: Server;
beforeAll(async () => {
  server = await readyServer();
});
afterAll(() => server.app.close());

const get = (url: string) => server.app.inject({ url });
const infer = (url: string, payload: unknown) => server.app.inject({ method: 'POST', url, payload: payload as object });
const tensor = (data: unknown, shape = [1, 1, 28, 28]) => ({ name: 'pixels', shape, datatype: 'FP32', data });
const FULL = packModel('digits-full');
const CLASSES = FULL.labels.length;

describe('Open Inference Protocol: health and metadata', () => {
  it('is live, and ready once every model is warm', async () => {
    expect((await get('/v2/health/live')).json()).toEqual({ live: true });
    const ready = await get('/v2/health/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ ready: true });
  });

  it('is not ready while the models are still loading', async () => {
    const cold = await coldServer();
    const response = await cold.app.inject({ url: '/v2/health/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ ready: false });
    expect((await cold.app.inject({ url: '/v2/health/live' })).statusCode).toBe(200);
    await cold.app.close();
  });

  it('describes the server', async () => {
    expect((await get('/v2')).json()).toEqual({ name: 'edge-cloud-digits', version: '0.1.0', extensions: ['model_repository', 'binary_tensor_data'] });
  });

  it.each(['/v2/models/digits-full', '/v2/models/digits-full/versions/1'])('describes the model at %s', async (url) => {
    expect((await get(url)).json()).toEqual({
      name: 'digits-full',
      versions: ['1'],
      platform: 'onnx_onnxv1',
      inputs: [{ name: 'pixels', datatype: 'FP32', shape: [-1, 1, 28, 28] }],
      outputs: [{ name: 'logits', datatype: 'FP32', shape: [-1, CLASSES] }],
    });
  });

  it.each(['/v2/models/digits-small/ready', '/v2/models/digits-small/versions/1/ready'])('says %s is ready', async (url) => {
    expect((await get(url)).json()).toEqual({ name: 'digits-small', version: '1', ready: true });
  });

  it.each([
    ['/v2/models/nope', /unknown model "nope"; serving: digits-full, digits-small/, 'MODEL_NOT_FOUND'],
    ['/v2/models/digits-full/versions/9', /model "digits-full" has no version "9"; versions: 1/, 'VERSION_NOT_FOUND'],
    ['/v2/models/nope/ready', /unknown model "nope"/, 'MODEL_NOT_FOUND'],
    ['/v2/models/digits-full/versions/9/ready', /no version "9"/, 'VERSION_NOT_FOUND'],
  ])('answers 404 {"error", "code"} for %s', async (url, message, code) => {
    const response = await get(url);
    expect(response.statusCode).toBe(404);
    expect(Object.keys(response.json()).sort()).toEqual(['code', 'error']);
    expect(response.json().error).toMatch(message);
    expect(response.json().code).toBe(code);
  });
});

describe('Open Inference Protocol: infer', () => {
  const digits = [3, 7];
  const flat = digits.flatMap((d) => drawnPixels(d));
  const nested = digits.map((d) => {
    const px = drawnPixels(d);
    return [Array.from({ length: 28 }, (_, y) => px.slice(y * 28, (y + 1) * 28))];
  });

  it("answers flat data with the model's logits, echoing the id", async () => {
    const response = await infer('/v2/models/digits-full/infer', { id: 'req-42', inputs: [tensor(flat, [2, 1, 28, 28])] });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ model_name: 'digits-full', model_version: '1', id: 'req-42' });
    expect(body.outputs[0]).toMatchObject({ name: 'logits', datatype: 'FP32', shape: [2, CLASSES] });
    expect(body.outputs[0].data).toHaveLength(2 * CLASSES);
    const direct = await runRows(readFileSync('public/models/digits-full/1/model.onnx'), { shape: [2, 1, 28, 28], data: Float32Array.from(flat) });
    (body.outputs[0].data as number[]).forEach((v, i) => expect(v).toBeCloseTo(direct[Math.floor(i / CLASSES)]?.[i % CLASSES] ?? NaN, 4));
  });

  it.each(['digits-full', 'digits-small'])("answers a drawing that is not a digit with %s's reject class on top", async (name) => {
    const model = packModel(name);
    expect(model.reject_label).toBe('not-a-digit');
    const reject = model.labels.indexOf(model.reject_label ?? '');
    expect(reject).toBeGreaterThanOrEqual(0);
    const response = await infer(`/v2/models/${name}/infer`, { inputs: [tensor(drawnLetterPixels())] });
    expect(response.statusCode).toBe(200);
    const [output] = response.json().outputs;
    expect(output).toMatchObject({ name: 'logits', datatype: 'FP32', shape: [1, model.labels.length] });
    expect(output.data).toHaveLength(model.labels.length);
    expect(argmax(output.data as number[])).toBe(reject);
  });

  it('reads nested data as row-major, the same as flat', async () => {
    const a = (await infer('/v2/models/digits-full/versions/1/infer', { inputs: [tensor(nested, [2, 1, 28, 28])] })).json();
    const b = (await infer('/v2/models/digits-full/infer', { inputs: [tensor(flat, [2, 1, 28, 28])], outputs: [{ name: 'logits' }] })).json();
    expect(a.outputs[0].data).toEqual(b.outputs[0].data);
    expect(a).not.toHaveProperty('id');
  });

  it.each([
    ['a wrong input name', { inputs: [{ ...tensor(flat.slice(0, 784)), name: 'x' }] }, /inputs\[0\]\.name is "x"; model digits-full takes "pixels"/],
    ['a wrong datatype', { inputs: [{ ...tensor(flat.slice(0, 784)), datatype: 'INT8' }] }, /datatype is "INT8"; it must be "FP32"/],
    ['a wrong shape', { inputs: [tensor(flat.slice(0, 784), [1, 784])] }, /shape is \[1,784\]; it must be \[N, 1, 28, 28\]/],
    ['too little data', { inputs: [tensor(flat.slice(0, 700))] }, /inputs\[0\]\.data must be an array of 1/],
    ['a string in the data', { inputs: [tensor([...flat.slice(0, 783), 'x'])] }, /inputs\[0\]\.data/],
    ['two inputs', { inputs: [tensor(flat.slice(0, 784)), tensor(flat.slice(0, 784))] }, /exactly one tensor, "pixels"/],
    ['no inputs', {}, /"inputs" must be an array/],
    ['an unknown output', { inputs: [tensor(flat.slice(0, 784))], outputs: [{ name: 'probs' }] }, /outputs\[0\]\.name must be "logits"/],
    ['a numeric id', { id: 5, inputs: [tensor(flat.slice(0, 784))] }, /"id" must be a string/],
    ['too many rows', { inputs: [tensor([], [1000, 1, 28, 28])] }, /asks for 1000 rows; the limit is 256/],
  ])('answers 400 {"error", "code"} for %s', async (what, payload, message) => {
    const response = await infer('/v2/models/digits-full/infer', payload);
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json()).sort()).toEqual(['code', 'error']);
    expect(response.json().error).toMatch(message);
    expect(response.json().code).toBe(what === 'too many rows' ? 'TOO_MANY_INSTANCES' : 'INVALID_REQUEST');
  });

  it('answers 404 for an unknown model or version', async () => {
    const model = await infer('/v2/models/nope/infer', { inputs: [tensor(flat.slice(0, 784))] });
    expect([model.statusCode, model.json().code]).toEqual([404, 'MODEL_NOT_FOUND']);
    const version = await infer('/v2/models/digits-full/versions/3/infer', { inputs: [tensor(flat.slice(0, 784))] });
    expect([version.statusCode, version.json().code]).toEqual([404, 'VERSION_NOT_FOUND']);
  });
});
