/**
 * The requests real Open Inference Protocol clients send, replayed byte for
 * byte over a socket, and the answers read back as those clients read them.
 *
 * tritonclient.http (triton-inference-server/client, src/python/library/
 * tritonclient/http) sends through geventhttpclient 2.3.8: headers in the
 * order User-Agent, the caller's, Host, Content-Length; no Content-Type, even
 * with binary data; the body is rapidjson's compact JSON, `id` first, then
 * `inputs` (name, shape, datatype, then parameters and data), `outputs`,
 * `parameters`; binary inputs carry `parameters.binary_data_size` and no
 * `data`, their little-endian bytes follow the JSON, and
 * Inference-Header-Content-Length gives the JSON's length. With no outputs
 * named it asks `parameters.binary_data_output: true`; a named output asks
 * `parameters.binary_data` (true by default). It reads health and readiness
 * by status alone, errors as `json.loads(body)["error"]`, and splits an infer
 * answer by its Inference-Header-Content-Length.
 *
 * KServe's InferenceRESTClient (kserve/kserve, python/kserve/kserve/
 * inference_client.py and protocol/infer_type.py) sends through httpx 0.28.1:
 * Host, Accept, Accept-Encoding, Connection, User-Agent, the caller's
 * headers, Content-Length; an InferRequest is orjson's compact JSON, `id`,
 * `model_name`, `inputs`, `outputs`, `parameters`; JSON bodies say
 * `content-type: application/json`, binary ones `inference-header-content-length`
 * then `content-type: application/octet-stream`. It reads an error's text
 * only when the answer's content type is exactly application/json.
 */
import { readFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRows } from '../../tools/onnx/evaluate';
import { argmax } from '../../src/core/math/probabilities';
import { drawnPixels, packModel } from '../../test/drawn-digits';
import { readyServer } from '../../test/server/test-server';
import type { Server } from '../app';

let server: Server;
let port: number;
beforeAll(async () => {
  server = await readyServer();
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  port = (server.app.server.address() as AddressInfo).port;
});
afterAll(() => server.app.close());

interface Answer {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** One answer from the bytes read so far, once its whole body (by Content-Length) has arrived. */
function parseAnswer(data: Buffer): Answer | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length']);
  if (!Number.isInteger(length)) throw new Error(`no Content-Length in ${statusLine}`);
  if (data.length < end + 4 + length) return undefined;
  return { status: Number(statusLine.split(' ')[1]), headers, body: data.subarray(end + 4, end + 4 + length) };
}

/** Writes `request` on a new connection, exactly as given, and reads one answer. */
function exchange(request: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      try {
        const answer = parseAnswer(data);
        if (answer) {
          socket.end();
          resolve(answer);
        }
      } catch (error) {
        socket.destroy();
        reject(error as Error);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed before a whole answer: ${data.toString('latin1').slice(0, 300)}`)));
    socket.write(request);
  });
}

/** Python floats as rapidjson and orjson write them: shortest round trip, and "1.0" for whole numbers. */
class Floats {
  constructor(readonly values: readonly number[]) {}
}
const pyFloat = (v: number): string => {
  const text = String(v);
  if (text.includes('e')) throw new Error(`${text}: exponent formats differ between JSON writers; pick other test data`);
  return text.includes('.') ? text : `${text}.0`;
};
/** Compact JSON in insertion order, as both clients' writers produce it. */
function pyJson(value: unknown): string {
  if (value instanceof Floats) return `[${value.values.map(pyFloat).join(',')}]`;
  if (Array.isArray(value)) return `[${value.map(pyJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${pyJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const head = (lines: readonly string[]) => Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');

/** geventhttpclient's request: User-Agent, the caller's headers, Host, then Content-Length when there is a body. */
function triton(method: 'GET' | 'POST', path: string, body?: Buffer, headers: readonly string[] = []): Buffer {
  const lines = [`${method} ${path} HTTP/1.1`, 'User-Agent: python/gevent-http-client-2.3.8', ...headers, `Host: 127.0.0.1:${port}`];
  if (body && body.length > 0) lines.push(`Content-Length: ${body.length}`);
  return Buffer.concat([head(lines), body ?? Buffer.alloc(0)]);
}

/** httpx's request: its defaults, the caller's headers, then Content-Length on a POST. */
function kserve(method: 'GET' | 'POST', path: string, body?: Buffer, headers: readonly string[] = []): Buffer {
  const lines = [
    `${method} ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Accept: */*',
    'Accept-Encoding: gzip, deflate',
    'Connection: keep-alive',
    'User-Agent: python-httpx/0.28.1',
    ...headers,
  ];
  if (method === 'POST') lines.push(`Content-Length: ${body?.length ?? 0}`);
  return Buffer.concat([head(lines), body ?? Buffer.alloc(0)]);
}

/** numpy's `tobytes()` of a float32 array on a little-endian host. */
const float32Bytes = (values: readonly number[]) => {
  const out = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => out.writeFloatLE(v, i * 4));
  return out;
};

interface ClientOutput {
  readonly name: string;
  readonly shape: number[];
  readonly datatype: string;
  readonly values: Float32Array;
}
interface ClientResult {
  readonly json: Record<string, unknown>;
  readonly outputs: ClientOutput[];
}

/**
 * An infer answer read as both clients read it: the JSON is the first
 * Inference-Header-Content-Length bytes (all of them without the header),
 * and each output with `parameters.binary_data_size` takes that many bytes,
 * in order, from what follows; the others carry `data`.
 */
function readInferAnswer(answer: Answer): ClientResult {
  const headerLength = answer.headers['inference-header-content-length'];
  const jsonLength = headerLength === undefined ? answer.body.length : Number(headerLength);
  const json = JSON.parse(answer.body.subarray(0, jsonLength).toString('utf8')) as Record<string, unknown>;
  let offset = jsonLength;
  const outputs = (json['outputs'] as Record<string, unknown>[]).map((output) => {
    const size = (output['parameters'] as { binary_data_size?: number } | undefined)?.binary_data_size;
    let values: Float32Array;
    if (size !== undefined) {
      const bytes = answer.body.subarray(offset, offset + size);
      offset += size;
      values = new Float32Array(size / 4).map((_, i) => bytes.readFloatLE(i * 4));
    } else {
      values = Float32Array.from(output['data'] as number[]);
    }
    return { name: output['name'] as string, shape: output['shape'] as number[], datatype: output['datatype'] as string, values };
  });
  expect(offset, 'every byte of the answer is claimed').toBe(answer.body.length);
  return { json, outputs };
}

/** tritonclient's error text: `json.loads(body)["error"]`, whatever the content type. */
const tritonError = (answer: Answer) => (JSON.parse(answer.body.toString('utf8')) as { error: string }).error;

/** KServe's error text: read only when the content type is exactly application/json. */
const kserveError = (answer: Answer) =>
  answer.headers['content-type'] === 'application/json' ? ((JSON.parse(answer.body.toString('utf8')) as { error?: string }).error ?? '') : '';

const digits = [3, 7];
const pixels = digits.flatMap((d) => drawnPixels(d)).map((v) => Math.fround(v));
const onePixels = pixels.slice(0, 784);
const shape = [2, 1, 28, 28];
/** The full model's labels, as the pack's manifest gives them: one logit each per row. */
const LABELS = packModel('digits-full').labels;
const CLASSES = LABELS.length;
let oracle: Float32Array[];
beforeAll(async () => {
  oracle = await runRows(readFileSync('public/models/digits-full/1/model.onnx'), { shape, data: Float32Array.from(pixels) });
});

/** The logits match onnxruntime's own, to 4 digits, and each row's top label is the digit drawn. */
function expectOracleLogits(output: ClientOutput | undefined, rows = 2): void {
  expect(output).toMatchObject({ name: 'logits', datatype: 'FP32', shape: [rows, CLASSES] });
  expect(output?.values).toHaveLength(rows * CLASSES);
  output?.values.forEach((v, i) => expect(v).toBeCloseTo(oracle[Math.floor(i / CLASSES)]?.[i % CLASSES] ?? NaN, 4));
  const tops = Array.from({ length: rows }, (_, row) => LABELS[argmax(output?.values.subarray(row * CLASSES, (row + 1) * CLASSES) ?? [])]);
  expect(tops).toEqual(digits.slice(0, rows).map(String));
}

describe('tritonclient.http', () => {
  it.each([
    ['is_server_live', '/v2/health/live'],
    ['is_server_ready', '/v2/health/ready'],
    ['is_model_ready', '/v2/models/digits-full/ready'],
    ['is_model_ready with a version', '/v2/models/digits-full/versions/1/ready'],
  ])('%s: GET %s answers 200', async (_what, path) => {
    const answer = await exchange(triton('GET', path));
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
  });

  it('get_server_metadata: GET /v2 lists binary_tensor_data', async () => {
    const answer = await exchange(triton('GET', '/v2'));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString('utf8'))).toMatchObject({ name: 'edge-cloud-digits', extensions: ['model_repository', 'binary_tensor_data'] });
  });

  it.each(['/v2/models/digits-full', '/v2/models/digits-full/versions/1'])('get_model_metadata: GET %s', async (path) => {
    const answer = await exchange(triton('GET', path));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString('utf8'))).toMatchObject({
      name: 'digits-full',
      inputs: [{ name: 'pixels', datatype: 'FP32', shape: [-1, 1, 28, 28] }],
      outputs: [{ name: 'logits', datatype: 'FP32', shape: [-1, CLASSES] }],
    });
  });

  it('infer with JSON data and a JSON output (binary_data=False on both), no Content-Type', async () => {
    const json = pyJson({
      id: 'triton-json',
      inputs: [{ name: 'pixels', shape, datatype: 'FP32', data: new Floats(pixels) }],
      outputs: [{ name: 'logits', parameters: { binary_data: false } }],
    });
    const answer = await exchange(triton('POST', '/v2/models/digits-full/infer', Buffer.from(json)));
    expect(answer.status, answer.body.toString().slice(0, 200)).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.headers['inference-header-content-length']).toBeUndefined();
    const result = readInferAnswer(answer);
    expect(result.json).toMatchObject({ model_name: 'digits-full', model_version: '1', id: 'triton-json' });
    expectOracleLogits(result.outputs[0]);
  });

  it('infer with the defaults: binary input, no outputs named, so binary outputs', async () => {
    const json = pyJson({
      inputs: [{ name: 'pixels', shape, datatype: 'FP32', parameters: { binary_data_size: pixels.length * 4 } }],
      parameters: { binary_data_output: true },
    });
    const body = Buffer.concat([Buffer.from(json), float32Bytes(pixels)]);
    const answer = await exchange(triton('POST', '/v2/models/digits-full/infer', body, [`Inference-Header-Content-Length: ${json.length}`]));
    expect(answer.status, answer.body.toString().slice(0, 200)).toBe(200);
    expect(answer.headers['content-type']).toBe('application/octet-stream');
    const result = readInferAnswer(answer);
    expect(result.json).toEqual({
      model_name: 'digits-full',
      model_version: '1',
      outputs: [{ name: 'logits', datatype: 'FP32', shape: [2, CLASSES], parameters: { binary_data_size: 2 * CLASSES * 4 } }],
    });
    expectOracleLogits(result.outputs[0]);
  });

  it('infer with a version, an id and a named output (binary_data defaults to true)', async () => {
    const json = pyJson({
      id: 'triton-bin',
      inputs: [{ name: 'pixels', shape: [1, 1, 28, 28], datatype: 'FP32', parameters: { binary_data_size: 3136 } }],
      outputs: [{ name: 'logits', parameters: { binary_data: true } }],
    });
    const body = Buffer.concat([Buffer.from(json), float32Bytes(onePixels)]);
    const answer = await exchange(triton('POST', '/v2/models/digits-full/versions/1/infer', body, [`Inference-Header-Content-Length: ${json.length}`]));
    expect(answer.status).toBe(200);
    const result = readInferAnswer(answer);
    expect(result.json['id']).toBe('triton-bin');
    expectOracleLogits(result.outputs[0], 1);
  });

  it('infer with JSON data and no outputs named: the logits come back binary', async () => {
    const json = pyJson({ inputs: [{ name: 'pixels', shape, datatype: 'FP32', data: new Floats(pixels) }], parameters: { binary_data_output: true } });
    const answer = await exchange(triton('POST', '/v2/models/digits-full/infer', Buffer.from(json)));
    expect(answer.headers['content-type']).toBe('application/octet-stream');
    expectOracleLogits(readInferAnswer(answer).outputs[0]);
  });

  it('reads the error text of an unknown model and of binary data of the wrong size', async () => {
    const json = pyJson({ inputs: [{ name: 'pixels', shape: [1, 1, 28, 28], datatype: 'FP32', parameters: { binary_data_size: 3136 } }] });
    const unknown = await exchange(
      triton('POST', '/v2/models/nope/infer', Buffer.concat([Buffer.from(json), float32Bytes(onePixels)]), [`Inference-Header-Content-Length: ${json.length}`]),
    );
    expect(unknown.status).toBe(404);
    expect(tritonError(unknown)).toMatch(/unknown model "nope"/);
    const short = await exchange(
      triton('POST', '/v2/models/digits-full/infer', Buffer.concat([Buffer.from(json), float32Bytes(onePixels.slice(1))]), [
        `Inference-Header-Content-Length: ${json.length}`,
      ]),
    );
    expect(short.status).toBe(400);
    expect(tritonError(short)).toMatch(/input "pixels" declares 3136 bytes of binary data, but 3132 follow the JSON header/);
  });
});

describe("KServe's InferenceRESTClient", () => {
  it('is_server_live and is_server_ready read "live" and "ready"; is_model_ready reads the status', async () => {
    const live = await exchange(kserve('GET', '/v2/health/live'));
    expect(JSON.parse(live.body.toString('utf8')).live).toBe(true);
    const ready = await exchange(kserve('GET', '/v2/health/ready'));
    expect(JSON.parse(ready.body.toString('utf8')).ready).toBe(true);
    expect((await exchange(kserve('GET', '/v2/models/digits-full/ready'))).status).toBe(200);
    expect((await exchange(kserve('GET', '/v2/models/nope/ready'))).status).toBe(404);
  });

  it('infer with JSON data: content-type application/json, id and model_name in the body', async () => {
    const json = pyJson({
      id: '6f1c2b0e-8a1d-4c57-9d1e-2a4b5c6d7e8f',
      model_name: 'digits-full',
      inputs: [{ name: 'pixels', shape, datatype: 'FP32', data: new Floats(pixels) }],
    });
    const answer = await exchange(kserve('POST', '/v2/models/digits-full/infer', Buffer.from(json), ['content-type: application/json']));
    expect(answer.status, answer.body.toString().slice(0, 200)).toBe(200);
    expect(answer.headers['content-encoding']).toBeUndefined();
    const result = readInferAnswer(answer);
    expect(result.json).toMatchObject({ model_name: 'digits-full', id: '6f1c2b0e-8a1d-4c57-9d1e-2a4b5c6d7e8f' });
    expectOracleLogits(result.outputs[0]);
  });

  it.each([
    ['binary outputs (binary_data_output)', { binary_data_output: true }, 'application/octet-stream'],
    ['JSON outputs', undefined, 'application/json'],
  ])('infer with a binary input and %s', async (_what, parameters, contentType) => {
    const json = pyJson({
      id: 'kserve-bin',
      model_name: 'digits-full',
      inputs: [{ name: 'pixels', shape, datatype: 'FP32', parameters: { binary_data_size: pixels.length * 4 } }],
      ...(parameters ? { parameters } : {}),
    });
    const body = Buffer.concat([Buffer.from(json), float32Bytes(pixels)]);
    const answer = await exchange(
      kserve('POST', '/v2/models/digits-full/infer', body, [`inference-header-content-length: ${json.length}`, 'content-type: application/octet-stream']),
    );
    expect(answer.status, answer.body.toString().slice(0, 200)).toBe(200);
    expect(answer.headers['content-type']).toBe(contentType);
    const result = readInferAnswer(answer);
    expect(result.json).toMatchObject({ model_name: 'digits-full', id: 'kserve-bin' });
    expectOracleLogits(result.outputs[0]);
  });

  it('reads the error text, since the answer says exactly application/json', async () => {
    const json = pyJson({ id: 'e', model_name: 'nope', inputs: [{ name: 'pixels', shape: [1, 1, 28, 28], datatype: 'FP32', data: new Floats(onePixels) }] });
    const unknown = await exchange(kserve('POST', '/v2/models/nope/infer', Buffer.from(json), ['content-type: application/json']));
    expect(unknown.status).toBe(404);
    expect(kserveError(unknown)).toMatch(/unknown model "nope"/);
    const bad = pyJson({ id: 'e', model_name: 'digits-full', inputs: [{ name: 'x', shape: [1, 1, 28, 28], datatype: 'FP32', data: new Floats(onePixels) }] });
    const wrongName = await exchange(kserve('POST', '/v2/models/digits-full/infer', Buffer.from(bad), ['content-type: application/json']));
    expect(wrongName.status).toBe(400);
    expect(kserveError(wrongName)).toMatch(/inputs\[0\]\.name is "x"/);
  });
});
