/**
 * A batch job through a real server process that is SIGKILLed mid-job: the
 * next server on the same BATCH_DIR resumes it from its committed chunks, and
 * the output holds every key exactly once with the labels of a direct run of
 * the model on the same rows.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BatchJobStatus } from '../../../src/core/api/batch';
import { expectExactlyOnce, faultInput } from '../../../test/batch/exactly-once';
import { rowPixels, scratch } from '../../../test/batch/inputs';
import { AUTH, TOKEN, waitForJob } from '../../../test/batch/jobs-api';
import { oracleLabels } from '../../../test/batch/run';
import { spawnServer } from '../../../test/server/spawn-server';

const ROWS = 800;

describe('a batch job across a SIGKILLed server', () => {
  it('resumes on the next server and commits every key exactly once', async () => {
    const dir = scratch('batch-kill-');
    mkdirSync(join(dir, 'in'));
    faultInput(join(dir, 'in'), ROWS);
    const env = { ADMIN_TOKEN: TOKEN, BATCH_DIR: dir, BATCH_WORKERS: '1' };
    const first = await spawnServer(env);
    const created = await fetch(`${first.base}/v1/batch-jobs`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'digits-small', input: 'in/in.jsonl', chunk_rows: 25 }),
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    const output = join(dir, 'jobs', id, 'output');
    const until = Date.now() + 60_000;
    while (!existsSync(join(output, 'predictions-00003.jsonl')) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    expect(existsSync(join(output, 'predictions-00031.jsonl'))).toBe(false);

    const second = await spawnServer(env);
    try {
      const read = async () => (await (await fetch(`${second.base}/v1/batch-jobs/${id}`, { headers: AUTH })).json()) as BatchJobStatus;
      expect(await waitForJob(read)).toMatchObject({ state: 'succeeded', total: ROWS });
      const labels = expectExactlyOnce(output, ROWS);
      const keys = [...labels.keys()];
      const expected = await oracleLabels(
        'digits-small',
        keys.map((k) => rowPixels(Number(k.slice(1)) % 40)),
      );
      expect(keys.map((k) => labels.get(k))).toEqual(expected);
    } finally {
      second.child.kill('SIGKILL');
    }
  });
});
