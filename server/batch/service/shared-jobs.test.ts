/**
 * Batch jobs reported by every replica: two servers over HTTP sharing one
 * PostgreSQL store, each with a BATCH_DIR of its own. A job taken by one is
 * followed through the other while it runs (its counts as they grow), listed
 * by both, cancelled through the other, and its predictions and refused rows
 * streamed through the other byte for byte as the owner streams them, and
 * listed a page at a time from either. A
 * forwarded request is never forwarded again; a replica whose BATCH_DIR
 * another process holds still reports the others' jobs; and with the owner down the
 * other still reports the job's last state and says why its output waits.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchJobList, BatchJobStatus } from '../../../src/core/api/batch';
import { ErrorBody } from '../../../src/core/api/errors';
import { faultInput } from '../../../test/batch/exactly-once';
import { scratch } from '../../../test/batch/inputs';
import { AUTH, TOKEN, waitForJob } from '../../../test/batch/jobs-api';
import { freshStore } from '../../../test/db/backends';
import { coldServer } from '../../../test/server/test-server';
import { freePort } from '../../../tools/net/free-port';
import type { Server } from '../../app';
import { lockDirectory } from '../../db/dir-lock';
import { FORWARDED_HEADER } from '../../routes/batch-forward';

interface Replica {
  readonly server: Server;
  readonly url: string;
  readonly dir: string;
  closed: boolean;
}

let a: Replica;
let b: Replica;
let databaseUrl: string;

async function replica(name: string, databaseUrl: string): Promise<Replica> {
  const dir = scratch(`shared-jobs-${name}-`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await coldServer({ ADMIN_TOKEN: TOKEN, EVALUATION: 'on', DATABASE_URL: databaseUrl, BATCH_DIR: dir, BATCH_WORKERS: '1', REPLICA_URL: url });
  await server.app.listen({ port, host: '127.0.0.1' });
  return { server, url, dir, closed: false };
}

const get = (at: Replica, path: string, headers: Record<string, string> = {}) => fetch(`${at.url}${path}`, { headers: { ...AUTH, ...headers } });
const status = async (at: Replica, id: string) => {
  const response = await get(at, `/v1/batch-jobs/${id}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return BatchJobStatus.parse(await response.json());
};
const list = async (at: Replica) => BatchJobList.parse(await (await get(at, '/v1/batch-jobs')).json()).jobs;

async function create(at: Replica, input: string, chunkRows: number): Promise<string> {
  const response = await fetch(`${at.url}/v1/batch-jobs`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'digits-small', input, chunk_rows: chunkRows }),
  });
  expect(response.status, await response.clone().text()).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

beforeAll(async () => {
  const { settings } = await freshStore('postgres');
  databaseUrl = settings.databaseUrl as string;
  a = await replica('a', databaseUrl);
  b = await replica('b', databaseUrl);
  for (const [name, rows] of [
    ['long', 6000],
    ['short', 300],
  ] as const) {
    mkdirSync(join(a.dir, name));
    faultInput(join(a.dir, name), rows);
  }
}, 120_000);

afterAll(async () => {
  for (const r of [a, b]) if (r && !r.closed) await r.server.app.close();
});

describe('batch jobs across replicas sharing the store', () => {
  it('follows a job of one replica through the other as it runs, and cancels it there', async () => {
    const id = await create(a, 'long/in.jsonl', 10);
    // The other replica sees the counts grow while the job runs (written at most every second).
    const running = await waitForJob(() => status(b, id), ['running', 'succeeded', 'failed', 'cancelled']);
    expect(running.state).toBe('running');
    await expect.poll(async () => (await status(b, id)).successful, { timeout: 60_000, interval: 20 }).toBeGreaterThan(0);
    const counted = await status(b, id);
    expect(counted).toMatchObject({ state: 'running', total: 6000, model: 'digits-small', input: join('long', 'in.jsonl') });

    const cancelled = await fetch(`${b.url}/v1/batch-jobs/${id}`, { method: 'DELETE', headers: AUTH });
    expect(cancelled.status).toBe(200);
    expect(BatchJobStatus.parse(await cancelled.json())).toMatchObject({ id, state: 'cancelled', message: 'cancelled by a client' });
    const owner = await status(a, id);
    expect(owner.state).toBe('cancelled');
    // Once the owner's pool has wound down, both report the committed counts: a line of output for each.
    const committed = async () => {
      const [predictions, errors] = await Promise.all(
        ['predictions', 'errors'].map(async (kind) => (await (await get(b, `/v1/batch-jobs/${id}/${kind}`)).text()).split('\n').filter(Boolean).length),
      );
      return { successful: predictions, failed: errors };
    };
    await expect
      .poll(
        async () => {
          const [fromA, fromB, lines] = await Promise.all([status(a, id), status(b, id), committed()]);
          return JSON.stringify(fromA) === JSON.stringify(fromB) && fromB.successful === lines.successful && fromB.failed === lines.failed;
        },
        { timeout: 20_000, interval: 100 },
      )
      .toBe(true);
    expect((await status(b, id)).successful).toBeLessThan(6000);

    const again = await fetch(`${b.url}/v1/batch-jobs/${id}`, { method: 'DELETE', headers: AUTH });
    expect(again.status).toBe(409);
    expect(ErrorBody.parse(await again.json()).code).toBe('JOB_FINISHED');
  }, 120_000);

  it("reports, lists and streams one replica's finished job through the other, byte for byte", async () => {
    const id = await create(a, 'short/in.jsonl', 50);
    const done = await waitForJob(() => status(a, id));
    expect(done).toMatchObject({ state: 'succeeded', total: 300, failed: 4, successful: 296 });
    // The owner writes the status in the background: the other reports it within moments.
    await expect.poll(() => status(b, id), { timeout: 10_000, interval: 50 }).toEqual(done);

    for (const kind of ['predictions', 'errors'] as const) {
      const [direct, forwarded] = await Promise.all([get(a, `/v1/batch-jobs/${id}/${kind}`), get(b, `/v1/batch-jobs/${id}/${kind}`)]);
      expect(forwarded.status).toBe(200);
      expect(forwarded.headers.get('content-type')).toContain('application/x-ndjson');
      const text = await forwarded.text();
      expect(text).toBe(await direct.text());
      expect(text.trim().split('\n')).toHaveLength(kind === 'predictions' ? 296 : 4);
    }
    // Both list every job of both, newest first, with the same states.
    const [fromA, fromB] = await Promise.all([list(a), list(b)]);
    expect(fromB.map((j) => [j.id, j.state])).toEqual(fromA.map((j) => [j.id, j.state]));
    expect(fromB[0]?.id).toBe(id);
    expect(fromB).toHaveLength(2);

    // A page at a time, from either replica: the newest, then the one after it, and no page after that.
    const page = async (at: Replica, query: string) => {
      const response = await get(at, `/v1/batch-jobs?${query}`);
      expect(response.status, await response.clone().text()).toBe(200);
      return BatchJobList.parse(await response.json());
    };
    const first = await page(b, 'limit=1');
    expect(first.jobs.map((j) => j.id)).toEqual([id]);
    expect(first.next).toBe(id);
    const second = await page(a, `limit=1&before=${first.next}`);
    expect(second.jobs.map((j) => j.id)).toEqual([fromA[1]?.id]);
    expect(second.next).toBeUndefined();
    expect(await page(b, `before=${fromA[1]?.id}`)).toEqual({ jobs: [] });
    expect((await page(a, 'limit=2')).next).toBeUndefined();
    for (const query of ['limit=0', 'limit=1001', 'before=no-such-job', 'after=x']) {
      const refused = await get(b, `/v1/batch-jobs?${query}`);
      expect(refused.status, query).toBe(400);
      expect(ErrorBody.parse(await refused.json()).code).toBe('INVALID_REQUEST');
    }
  }, 120_000);

  it('answers 404 for a job no replica has, and never forwards a forwarded request again', async () => {
    for (const at of [a, b]) {
      const response = await get(at, '/v1/batch-jobs/no-such-job/predictions');
      expect(response.status).toBe(404);
      expect(ErrorBody.parse(await response.json()).code).toBe('JOB_NOT_FOUND');
    }
    const [job] = await list(a);
    const looped = await get(b, `/v1/batch-jobs/${job?.id}/predictions`, { [FORWARDED_HEADER]: a.url });
    expect(looped.status).toBe(404);
    expect(ErrorBody.parse(await looped.json()).code).toBe('JOB_NOT_FOUND');
    // The token is checked before any forwarding.
    const unauthorized = await fetch(`${b.url}/v1/batch-jobs/${job?.id}/predictions`, { headers: { authorization: 'Bearer wrong-token-000000000' } });
    expect(unauthorized.status).toBe(401);
  });

  it("reports the other replicas' jobs from a replica whose BATCH_DIR another process holds, and still refuses new jobs there", async () => {
    const dir = scratch('shared-jobs-held-');
    mkdirSync(join(dir, 'jobs', 'left-by-another'), { recursive: true });
    const release = await lockDirectory(dir);
    const port = await freePort();
    const held: Replica = {
      server: await coldServer({ ADMIN_TOKEN: TOKEN, EVALUATION: 'on', DATABASE_URL: databaseUrl, BATCH_DIR: dir, REPLICA_URL: `http://127.0.0.1:${port}` }),
      url: `http://127.0.0.1:${port}`,
      dir,
      closed: false,
    };
    try {
      await held.server.app.listen({ port, host: '127.0.0.1' });
      const [job] = await list(a);
      expect((await status(held, job?.id as string)).id).toBe(job?.id);
      expect((await list(held)).map((j) => j.id)).toEqual((await list(a)).map((j) => j.id));
      const refused = await fetch(`${held.url}/v1/batch-jobs`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'digits-small', input: 'x.jsonl' }),
      });
      expect(refused.status).toBe(503);
      const body = ErrorBody.parse(await refused.json());
      expect(body.code).toBe('BATCH_UNAVAILABLE');
      expect(body.error).toMatch(/is in use by another server/);
    } finally {
      await held.server.app.close();
      release();
    }
  });

  it('still reports a job whose replica is down, and says its output waits for that replica', async () => {
    const [job] = await list(a);
    const id = job?.id as string;
    a.closed = true;
    await a.server.app.close();
    expect(await status(b, id)).toMatchObject({ id, state: 'succeeded' });
    const response = await get(b, `/v1/batch-jobs/${id}/predictions`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    const body = ErrorBody.parse(await response.json());
    expect(body.code).toBe('BATCH_OWNER_UNAVAILABLE');
    expect(body.error).toContain(`held by the replica at ${a.url}, which cannot be reached`);
  });
});
