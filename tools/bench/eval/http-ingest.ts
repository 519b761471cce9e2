/**
 * bench:eval, part (c): the edge's prediction logs and ground truth arriving
 * over HTTP, as the PWA and a data team send them: 100,000 edge records (with
 * their 784 pixels) in requests of 1,000, and 100,000 labels in requests of
 * 10,000, a few requests in flight. Prints records per second.
 */
import { readFileSync } from 'node:fs';
import { modelForRole, parseManifest } from '../../../src/core/manifest';
import { drawnPixels } from '../../../test/drawn-digits';

const IN_FLIGHT = 4;

export interface IngestRates {
  readonly records: number;
  readonly recordsPerSecond: number;
  readonly labels: number;
  readonly labelsPerSecond: number;
}

async function sendAll(bodies: readonly string[], url: string): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++] as string;
      const reply = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (!reply.ok) throw new Error(`${url} answered ${reply.status}: ${await reply.text()}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

export async function httpIngest(base: string, records: number, labels: number): Promise<IngestRates> {
  const prefix = `edge-${Date.now()}-`;
  const pixels = Array.from({ length: 10 }, (_, d) => drawnPixels(d));
  // One probability per label of the pack's edge model (the digits, and "not a digit" when it has it).
  const classes = modelForRole(parseManifest(JSON.parse(readFileSync('public/models/manifest.json', 'utf8'))), 'edge').labels.length;
  const recordBodies: string[] = [];
  for (let from = 0; from < records; from += 1000) {
    const batch = Array.from({ length: Math.min(1000, records - from) }, (_, j) => {
      const i = from + j;
      const digit = i % 10;
      const probabilities = Array.from({ length: classes }, (_, c) => (c === digit ? 0.9 : 0.1 / (classes - 1)));
      return {
        key: `${prefix}${i}`,
        model: 'digits-small',
        version: '1',
        source: 'edge',
        time: new Date().toISOString(),
        label: String(digit),
        probabilities,
        pixels: pixels[digit],
        gate_fired: i % 20 === 0,
        answered_by: i % 20 === 0 ? 'cloud' : 'edge',
      };
    });
    recordBodies.push(JSON.stringify({ records: batch }));
  }
  let started = performance.now();
  await sendAll(recordBodies, `${base}/v1/logs/predictions`);
  const recordsPerSecond = records / ((performance.now() - started) / 1000);
  const labelBodies: string[] = [];
  for (let from = 0; from < labels; from += 10_000) {
    const batch = Array.from({ length: Math.min(10_000, labels - from) }, (_, j) => ({ key: `${prefix}${from + j}`, label: String((from + j) % 10) }));
    labelBodies.push(JSON.stringify({ labels: batch }));
  }
  started = performance.now();
  await sendAll(labelBodies, `${base}/v1/feedback`);
  const labelsPerSecond = labels / ((performance.now() - started) / 1000);
  return { records, recordsPerSecond, labels, labelsPerSecond };
}
