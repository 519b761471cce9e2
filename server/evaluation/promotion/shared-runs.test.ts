/**
 * Retraining runs shared through the store, on both stores: what one server
 * writes another lists (newest first, the last write of each run, at most
 * MAX_RETRAIN_RUNS), per model; and a run left 'running' by a dead server is
 * closed as failed, leaving finished runs and other models alone.
 */
import { expect, it } from 'vitest';
import { MAX_RETRAIN_RUNS, type RetrainRun } from '../../../src/core/api/retrain';
import { eachBackend } from '../../../test/db/backends';
import { ORPHANED, SharedRuns } from './shared-runs';

const run = (id: number, model: string, state: RetrainRun['state'] = 'running'): RetrainRun => ({
  id: String(id),
  model,
  trigger: 'admin',
  state,
  started: new Date(Date.UTC(2026, 0, 1, 0, 0, id)).toISOString(),
  finished: state === 'running' ? null : new Date(Date.UTC(2026, 0, 1, 1)).toISOString(),
  champion: '1',
  version: null,
  steps: [],
});

eachBackend('shared retraining runs', (suite) => {
  it("lists what another server wrote, newest first, with each run's last write", async () => {
    const [writer, reader] = [new SharedRuns(suite().db), new SharedRuns(suite().db)];
    const first = run(1, 'listed');
    await writer.publish(first);
    await writer.publish({ ...first, steps: [{ step: 'export', ok: true, seconds: 0.5, message: '10 labelled' }] });
    await writer.publish(run(2, 'listed', 'promoted'));
    await writer.publish(run(3, 'other'));
    const listed = await reader.list('listed');
    expect(listed.map((r) => [r.id, r.state])).toEqual([
      ['2', 'promoted'],
      ['1', 'running'],
    ]);
    expect(listed[1]?.steps).toEqual([{ step: 'export', ok: true, seconds: 0.5, message: '10 labelled' }]);
    expect(listed[1]).toEqual({ ...first, steps: listed[1]?.steps });
  });

  it('keeps the newest MAX_RETRAIN_RUNS of a model', async () => {
    const runs = new SharedRuns(suite().db);
    for (let i = 1; i <= MAX_RETRAIN_RUNS + 3; i++) await runs.publish(run(100 + i, 'many', 'failed'));
    const listed = await runs.list('many');
    expect(listed).toHaveLength(MAX_RETRAIN_RUNS);
    expect(listed[0]?.id).toBe(String(100 + MAX_RETRAIN_RUNS + 3));
  });

  it("closes a model's runs left running as failed, and nothing else", async () => {
    const runs = new SharedRuns(suite().db);
    await runs.publish(run(201, 'orphans'));
    await runs.publish(run(202, 'orphans', 'rejected'));
    await runs.publish(run(203, 'untouched'));
    await runs.closeOrphans('orphans', '2026-01-02T00:00:00.000Z');
    const [rejected, orphan] = await runs.list('orphans');
    expect(orphan).toMatchObject({ id: '201', state: 'failed', finished: '2026-01-02T00:00:00.000Z', message: ORPHANED });
    expect(rejected).toEqual(run(202, 'orphans', 'rejected'));
    expect((await runs.list('untouched'))[0]?.state).toBe('running');
  });
});
