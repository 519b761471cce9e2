/**
 * The shared table of batch jobs on both stores: what one server writes
 * another reads (the owner and the latest status), and paging through the
 * list gives every job once, newest first, ids of one millisecond in byte
 * order (where a locale's collation would order "a-c" after "ab").
 */
import { expect, it } from 'vitest';
import type { BatchJobStatus } from '../../../src/core/api/batch';
import { eachBackend } from '../../../test/db/backends';
import { newestFirst, SharedJobs, type JobPosition } from './shared-jobs';

const status = (id: string, created: string, state: BatchJobStatus['state'] = 'queued'): BatchJobStatus => ({
  id,
  state,
  model: 'digits-small',
  model_version: '1',
  signature: 'serving_default',
  input: 'in.jsonl',
  log: false,
  successful: 0,
  failed: 0,
  created,
  started: null,
  finished: null,
});

eachBackend('the shared batch job table', (suite) => {
  it("reads another server's jobs: their owner and latest status", async () => {
    const { db } = suite();
    await db.query('DELETE FROM batch_jobs');
    const [writer, reader] = [new SharedJobs(db, 'http://a:8080'), new SharedJobs(db, 'http://b:8080')];
    await writer.publish(status('j1', '2026-12-05T10:00:00.000Z'));
    await writer.publish(status('j1', '2026-12-05T10:00:00.000Z', 'succeeded'));
    expect(await reader.get('j1')).toEqual({ owner: 'http://a:8080', status: status('j1', '2026-12-05T10:00:00.000Z', 'succeeded') });
    expect(await reader.get('j2')).toBeUndefined();
  });

  it('pages through every job once, newest first, ids of one millisecond in byte order', async () => {
    const { db } = suite();
    await db.query('DELETE FROM batch_jobs');
    const jobs = new SharedJobs(db, 'http://a:8080');
    const same = '2026-12-05T11:00:00.123Z';
    const all = [
      status('ab', same),
      status('a-c', same),
      status('Z', same),
      status('old', '2026-12-05T09:00:00.000Z'),
      status('new', '2026-12-05T12:00:00.000Z'),
    ];
    await Promise.all(all.map((s) => jobs.publish(s)));
    const seen: string[] = [];
    let after: JobPosition | undefined;
    for (let page = await jobs.list(2); page.length > 0; page = await jobs.list(2, after)) {
      seen.push(...page.map((row) => row.status.id));
      after = page.at(-1)?.status;
    }
    expect(seen).toEqual([...all].sort(newestFirst).map((s) => s.id));
    expect(seen).toEqual(['new', 'ab', 'a-c', 'Z', 'old']);
  });
});
