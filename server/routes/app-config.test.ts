/** `GET /v1/app-config` announces the edge log sampling rate to the app: the default, or EDGE_LOG_SAMPLE_RATE; anyone may read it. */
import { afterEach, describe, expect, it } from 'vitest';
import { AppConfig, DEFAULT_APP_CONFIG } from '../../src/core/api/app-config';
import { coldServer } from '../../test/server/test-server';
import type { Server } from '../app';

let server: Server | undefined;
afterEach(() => server?.app.close());

describe('GET /v1/app-config', () => {
  it('announces the default rate, the one the app assumes before it has asked', async () => {
    server = await coldServer({});
    const response = await server.app.inject({ url: '/v1/app-config' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(AppConfig.strict().parse(response.json())).toEqual({ edge_log_sample_rate: 0.2 });
    expect(DEFAULT_APP_CONFIG).toEqual(response.json());
  });

  it('announces EDGE_LOG_SAMPLE_RATE when set', async () => {
    server = await coldServer({ EDGE_LOG_SAMPLE_RATE: '0.65' });
    expect((await server.app.inject({ url: '/v1/app-config' })).json()).toEqual({ edge_log_sample_rate: 0.65 });
  });
});
