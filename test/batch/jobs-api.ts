/**
 * Clients of the batch jobs API for tests, through inject() or over HTTP:
 * create a job (from a path or an upload), wait for it to finish, read its
 * output streams back as rows.
 */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { BatchJobStatus } from '../../src/core/api/batch';
import type { OutputRow } from './inputs';

export const TOKEN = 'batch-admin-token-0123';
export const AUTH = { authorization: `Bearer ${TOKEN}` };

/** A multipart body as a browser or curl would send it: the fields, then the file as "input". */
export async function multipart(fields: Record<string, string>, file?: { name: string; text: string }): Promise<{ body: Buffer; type: string }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file) form.append('input', new Blob([file.text]), file.name);
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { body: Buffer.from(await request.arrayBuffer()), type: request.headers.get('content-type') ?? '' };
}

export async function createJob(app: FastifyInstance, body: Record<string, unknown>): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/v1/batch-jobs', headers: AUTH, payload: body });
  expect(response.statusCode, response.body).toBe(202);
  const { id } = response.json<{ id: string }>();
  expect(response.headers['location']).toBe(`/v1/batch-jobs/${id}`);
  return id;
}

export async function jobStatus(app: FastifyInstance, id: string): Promise<BatchJobStatus> {
  const response = await app.inject({ url: `/v1/batch-jobs/${id}`, headers: AUTH });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<BatchJobStatus>();
}

/** Polls until the job is in one of `states` (default: finished); fails after `timeoutMs`. */
export async function waitForJob(
  read: () => Promise<BatchJobStatus>,
  states: readonly string[] = ['succeeded', 'failed', 'cancelled'],
  timeoutMs = 90_000,
): Promise<BatchJobStatus> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const status = await read();
    if (states.includes(status.state)) return status;
    if (Date.now() > until) throw new Error(`job ${status.id} still ${status.state} after ${timeoutMs} ms: ${JSON.stringify(status)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const jsonLines = (text: string): OutputRow[] =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as OutputRow);

export async function jobOutput(app: FastifyInstance, id: string, kind: 'predictions' | 'errors'): Promise<OutputRow[]> {
  const response = await app.inject({ url: `/v1/batch-jobs/${id}/${kind}`, headers: AUTH });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toContain('application/x-ndjson');
  return jsonLines(response.body);
}
