/** Hundreds of malformed requests each get a coded 4xx that names the problem, and the server keeps serving. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../app';
import { readyServer } from '../../test/server/test-server';
import { fuzzCases } from '../../test/server/fuzz-cases';
import { fuzzFailures } from '../../test/server/fuzz-check';
import { drawnPixels } from '../../test/drawn-digits';

// Room for the 7 MB values of the cases, as under the default limit.
const BODY_LIMIT_BYTES = 8 * 1024 * 1024;

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
    const failures = await fuzzFailures(server.app, cases);
    expect(failures).toEqual([]);
    const after = await server.app.inject({
      method: 'POST',
      url: '/v1/models/digits-full:predict',
      payload: { instances: [{ key: 'still-serving', pixels: drawnPixels(2) }] },
    });
    expect(after.json().predictions[0]).toMatchObject({ key: 'still-serving', label: '2' });
  });
});
