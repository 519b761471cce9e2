/**
 * The --server paths against a stand-in HTTP server that records what it is
 * sent: labels in requests of at most MAX_FEEDBACK_LABELS with the admin
 * token, a 429 waited out for as long as Retry-After says, the monitoring
 * route asked with the report's range, and the server's errors shown.
 */
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_FEEDBACK_LABELS, type WindowsResponse } from '../../../src/core/api/evaluation';
import { MODEL_PACK_DIR } from '../../../src/core/manifest';
import { tempDir } from '../../../test/db/backends';
import { ModelLayouts } from '../layouts';
import { runCli } from './cli';
import { MAX_ATTEMPTS, retryAfterMs } from './http';
import { captureIo } from './testing/cli-testing';

const TOKEN = 'a-test-admin-token-0123';
/** Every label of the pack (the CLI checks rows against it before sending them), as a refused row's message lists them. */
const PACK_LABELS = [...(await ModelLayouts.load(MODEL_PACK_DIR)).allLabels()].map((l) => JSON.stringify(l)).join(', ');

interface Received {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
  readonly at: number;
}

let server: Server | undefined;
afterEach(async () => {
  server?.close();
  server = undefined;
});

/** A server answering each request with `answer(request, n)` (n counts from 0); returns its base URL and what it received. */
async function standIn(answer: (received: Received, n: number, res: ServerResponse) => void): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req: IncomingMessage, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        body: text ? (JSON.parse(text) as unknown) : undefined,
        at: Date.now(),
      };
      received.push(r);
      answer(r, received.length - 1, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, received };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

describe('import-labels --server', () => {
  it('posts the good rows in requests of at most MAX_FEEDBACK_LABELS with the admin token, waiting out a 429', async () => {
    const { url, received } = await standIn((r, n, res) => {
      if (n === 0) return json(res, 429, { error: 'too many requests from this client', code: 'RATE_LIMITED' }, { 'retry-after': '1' });
      const count = (r.body as { labels: unknown[] }).labels.length;
      json(res, 200, { accepted: count, pending: count - 1 });
    });
    const rows = 2 * MAX_FEEDBACK_LABELS + 5;
    const lines = Array.from({ length: rows }, (_, i) =>
      JSON.stringify(i === 7 ? { key: `k${i}`, label: '3', time: '2026-11-01T12:00:00Z' } : { key: `k${i}`, label: String(i % 10) }),
    );
    lines.splice(3, 0, '{"key":"bad","label":"x"}');
    const path = join(tempDir('server-labels-'), 'labels.jsonl');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const io = captureIo({ ADMIN_TOKEN: TOKEN, DATA_DIR: '/nonexistent/never-opened' });
    expect(await runCli(['import-labels', path, '--server', url, '--batch', '50000'], io)).toBe(1);
    expect(JSON.parse(io.stdout())).toEqual({ accepted: rows, pending: rows - 3, bad: 1 });
    expect(io.stderr()).toContain(`line 4: label: "x" is not a label of the model pack (${PACK_LABELS})`);
    expect(io.stderr().some((l) => /the server answered 429 \(too many requests from this client \(RATE_LIMITED\)\); retrying in 1\.0 s$/.test(l))).toBe(true);

    expect(received.map((r) => [r.method, r.url, r.authorization])).toEqual(Array(4).fill(['POST', '/v1/feedback', `Bearer ${TOKEN}`]));
    const sizes = received.map((r) => (r.body as { labels: unknown[] }).labels.length);
    expect(sizes).toEqual([MAX_FEEDBACK_LABELS, MAX_FEEDBACK_LABELS, MAX_FEEDBACK_LABELS, 5]);
    // The refused request came again, whole, once Retry-After had passed.
    expect(received[1]?.body).toEqual(received[0]?.body);
    expect((received[1]?.at ?? 0) - (received[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
    const first = (received[1]?.body as { labels: unknown[] }).labels;
    // A label without a time goes without one: the server stamps its arrival.
    expect(first[0]).toEqual({ key: 'k0', label: '0' });
    expect(first[7]).toEqual({ key: 'k7', label: '3', time: '2026-11-01T12:00:00Z' });
  });

  it('stops with the server’s error when it refuses a batch', async () => {
    const { url } = await standIn((_r, _n, res) => json(res, 400, { error: 'labels[0].label: "3" is not a label of the model pack', code: 'INVALID_REQUEST' }));
    const path = join(tempDir('server-labels-'), 'labels.csv');
    writeFileSync(path, 'key,label\na,3\n');
    const io = captureIo({ DATA_DIR: '/nonexistent/never-opened' });
    expect(await runCli(['import-labels', path, '--server', `${url}api/`], io)).toBe(1);
    expect(io.stdout()).toBe('');
    expect(io.stderr().at(-1)).toBe(
      `eval: import stopped: POST ${url}api/v1/feedback answered 400: labels[0].label: "3" is not a label of the model pack (INVALID_REQUEST). ` +
        'No label was committed; labels are idempotent by key, so importing the file again is safe.',
    );
  });

  it('reads Retry-After as seconds or as a date', () => {
    const now = Date.UTC(2026, 10, 1, 12, 0, 0);
    expect(retryAfterMs('3', 1000, now)).toBe(3000);
    expect(retryAfterMs(new Date(now + 5000).toUTCString(), 1000, now)).toBe(5000);
    expect(retryAfterMs(null, 1000, now)).toBe(1000);
    expect(retryAfterMs('soon', 1000, now)).toBe(1000);
    expect(retryAfterMs('100000', 1000, now)).toBe(300_000);
    expect(MAX_ATTEMPTS).toBeGreaterThan(1);
  });
});

describe('report --server', () => {
  const answer: WindowsResponse = {
    model: 'digits-full',
    windows: [
      {
        start: '2026-11-29T12:00:00.000Z',
        end: '2026-11-29T13:00:00.000Z',
        version: '1',
        source: 'edge',
        predictions: 1200,
        labelled: 640,
        accuracy: { value: 0.98125, low: 0.9721, high: 0.98749 },
        estimated_accuracy: 0.975,
        mean_confidence: 0.9612,
        gate_rate: 0.125,
        rejection_rate: null,
        label_distribution: { '0': 1200 },
        drift: {
          features: [
            { name: 'ink_mass', test: 'ks', statistic: 0.3, p_value: 0.001, threshold: 0.05, drifted: true },
            { name: 'confidence', test: 'ks', statistic: 0.01, p_value: 0.9, threshold: 0.05, drifted: false },
          ],
          drifted_share: 0.5,
          dataset_drift: true,
        },
      },
    ],
  };

  it('asks the monitoring route for the range with the admin token and prints its windows', async () => {
    const { url, received } = await standIn((_r, _n, res) => json(res, 200, answer));
    const io = captureIo({ ADMIN_TOKEN: TOKEN });
    const before = Date.now();
    expect(await runCli(['report', '--model', 'digits-full', '--server', url, '--since', '90m', '--source', 'edge', '--version', '1'], io)).toBe(0);
    const after = Date.now();
    const asked = new URL(received[0]?.url ?? '', url);
    expect(asked.pathname).toBe('/v1/monitoring/models/digits-full/windows');
    expect([...asked.searchParams.keys()]).toEqual(['from', 'to', 'window', 'version', 'source']);
    expect([asked.searchParams.get('window'), asked.searchParams.get('version'), asked.searchParams.get('source')]).toEqual(['1h', '1', 'edge']);
    const from = Date.parse(asked.searchParams.get('from') ?? '');
    const to = Date.parse(asked.searchParams.get('to') ?? '');
    // Whole hours covering the last 90 minutes and the current hour.
    const HOUR = 3_600_000;
    expect([from % HOUR, to % HOUR]).toEqual([0, 0]);
    expect(from).toBeLessThanOrEqual(before - 90 * 60_000);
    expect(from).toBeGreaterThan(after - 90 * 60_000 - HOUR);
    expect(to).toBeGreaterThan(after - HOUR);
    expect(to).toBeLessThanOrEqual(before + HOUR);
    expect(received[0]?.authorization).toBe(`Bearer ${TOKEN}`);
    const [header, row] = io.stdout().split('\n');
    expect(header).toMatch(/^start \(UTC\)/);
    expect(row?.split(/ {2,}/)).toEqual([
      '2026-11-29 12:00',
      '1',
      'edge',
      '1200',
      '640',
      '0.981 [0.972, 0.987]',
      '0.975',
      '0.961',
      '0.125',
      'yes (0.500)',
      'ink_mass',
    ]);

    const jsonIo = captureIo({ ADMIN_TOKEN: TOKEN });
    expect(await runCli(['report', '--model', 'digits-full', '--server', url, '--json'], jsonIo)).toBe(0);
    expect(JSON.parse(jsonIo.stdout())).toEqual(answer);
  });

  it('shows the server’s error and exits with 1', async () => {
    const { url } = await standIn((_r, _n, res) => json(res, 401, { error: 'missing or wrong admin token', code: 'UNAUTHORIZED' }));
    const io = captureIo({});
    expect(await runCli(['report', '--model', 'digits-full', '--server', url], io)).toBe(1);
    expect(io.stderr()).toEqual([expect.stringMatching(/^eval: GET http:.*\/windows\?.* answered 401: missing or wrong admin token \(UNAUTHORIZED\)$/)]);
  });
});
