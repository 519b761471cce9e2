/** Malformed feedback and edge logs each get a short, coded 4xx naming the problem; nothing is kept, and the server keeps serving. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Server } from '../app';
import { drawnPixels } from '../../test/drawn-digits';
import { evaluationFuzzCases } from '../../test/server/evaluation-fuzz-cases';
import { fuzzFailures } from '../../test/server/fuzz-check';
import { readyServer } from '../../test/server/test-server';

let server: Server;

beforeAll(async () => {
  server = await readyServer({ EVALUATION: 'on', DATA_DIR: mkdtempSync(join(tmpdir(), 'eval-fuzz-')), FEEDBACK_RATE_LIMIT: '100000' });
});
afterAll(() => server?.app.close());

it('answers every malformed evaluation request with a short coded 4xx that names the problem', async () => {
  const cases = evaluationFuzzCases(drawnPixels(3));
  expect(cases.length).toBeGreaterThanOrEqual(150);
  const failures = await fuzzFailures(server.app, cases);
  expect(failures).toEqual([]);
  const kept = await server.context.evaluation?.db.query<{ n: number }>(
    'SELECT (SELECT count(*) FROM labels)::int + (SELECT count(*) FROM predictions)::int AS n',
  );
  expect(kept?.[0]?.n).toBe(0);
  const after = await server.app.inject({ method: 'POST', url: '/v1/feedback', payload: { labels: [{ key: 'still', label: '1' }] } });
  expect(after.json()).toEqual({ accepted: 1, pending: 1 });
});
