/** Malformed feedback and edge logs each get a short, coded 4xx naming the problem; nothing is kept, and the server keeps serving. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ERROR_CATALOG, type ErrorCode } from '../../src/core/api/errors';
import type { Server } from '../app';
import { drawnPixels } from '../../test/drawn-digits';
import { evaluationFuzzCases } from '../../test/server/evaluation-fuzz-cases';
import { readyServer } from '../../test/server/test-server';

const MAX_MESSAGE_LENGTH = 300;
let server: Server;

beforeAll(async () => {
  server = await readyServer({ EVALUATION: 'on', DATA_DIR: mkdtempSync(join(tmpdir(), 'eval-fuzz-')), FEEDBACK_RATE_LIMIT: '100000' });
});
afterAll(() => server?.app.close());

it('answers every malformed evaluation request with a short coded 4xx that names the problem', async () => {
  const cases = evaluationFuzzCases(drawnPixels(3));
  expect(cases.length).toBeGreaterThanOrEqual(150);
  const failures: string[] = [];
  for (const c of cases) {
    const response = await server.app.inject({
      method: 'POST',
      url: c.url,
      payload: c.payload,
      headers: c.contentType ? { 'content-type': c.contentType } : {},
    });
    const body = (() => {
      try {
        return response.json<{ error?: unknown; code?: unknown }>();
      } catch {
        return {};
      }
    })();
    const code = typeof body.code === 'string' && body.code in ERROR_CATALOG ? (body.code as ErrorCode) : undefined;
    const ok =
      response.statusCode >= 400 &&
      response.statusCode < 500 &&
      typeof body.error === 'string' &&
      body.error.length <= MAX_MESSAGE_LENGTH &&
      c.mentions.test(body.error) &&
      code !== undefined &&
      ERROR_CATALOG[code].status === response.statusCode;
    if (!ok) failures.push(`${c.name}: ${response.statusCode} ${response.body.slice(0, 200)}`);
  }
  expect(failures).toEqual([]);
  const kept = await server.context.evaluation?.db.query<{ n: number }>(
    'SELECT (SELECT count(*) FROM labels)::int + (SELECT count(*) FROM predictions)::int AS n',
  );
  expect(kept?.[0]?.n).toBe(0);
  const after = await server.app.inject({ method: 'POST', url: '/v1/feedback', payload: { labels: [{ key: 'still', label: '1' }] } });
  expect(after.json()).toEqual({ accepted: 1, pending: 1 });
});
