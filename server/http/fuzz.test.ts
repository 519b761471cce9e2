/** Hundreds of malformed requests each get a coded 4xx that names the problem, and the server keeps serving. */
import { ERROR_CATALOG, type ErrorCode } from '../../src/core/api/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../app';
import { readyServer } from '../../test/server/test-server';
import { fuzzCases } from '../../test/server/fuzz-cases';
import { drawnPixels } from '../../test/drawn-digits';

// Room for the 7 MB values of the cases, as under the default limit.
const BODY_LIMIT_BYTES = 8 * 1024 * 1024;
/** Messages quote at most a short excerpt of what was sent. */
const MAX_MESSAGE_LENGTH = 300;

let server: Server;
beforeAll(async () => {
  server = await readyServer({ BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES) });
});
afterAll(() => server.app.close());

describe('bad-input fuzzing', () => {
  const cases = fuzzCases(drawnPixels(2), BODY_LIMIT_BYTES);

  it('has at least 300 malformed requests', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
  });

  it('answers every one with a short 4xx {"error", "code"} that names the problem, with the status of its code, and keeps serving', async () => {
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
          return response.json() as { error?: unknown; code?: unknown };
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
      if (!ok) failures.push(`${c.name}: ${response.statusCode} (${response.body.length} bytes) ${response.body.slice(0, 160)}`);
    }
    expect(failures).toEqual([]);
    const after = await server.app.inject({
      method: 'POST',
      url: '/v1/models/digits-full:predict',
      payload: { instances: [{ key: 'still-serving', pixels: drawnPixels(2) }] },
    });
    expect(after.json().predictions[0]).toMatchObject({ key: 'still-serving', label: '2' });
  });
});
