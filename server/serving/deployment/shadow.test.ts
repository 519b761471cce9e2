/**
 * The shadow runner: runs the challenger on its copy of the rows at low
 * priority and logs the answers with source `shadow`; returns at once and
 * never throws; drops runs beyond its bound of rows and counts them; counts a
 * failing or missing challenger without passing the failure on.
 */
import { describe, expect, it } from 'vitest';
import type { AnsweredRequest } from '../../evaluation/log/records';
import type { ServingModel } from '../model';
import type { ModelRegistry } from '../registry';
import { ShadowRunner, type ShadowJob, type ShadowOutcome } from './shadow';

const ROW = 4;
const CLASSES = 3;

/** A registry serving m/2, whose infer the test controls. */
function fakeRegistry(infer: ServingModel['infer']): { registry: ModelRegistry; priorities: (string | undefined)[] } {
  const priorities: (string | undefined)[] = [];
  const model = {
    entry: { name: 'm', version: '2' },
    rowSize: ROW,
    classes: CLASSES,
    infer: (input: Float32Array, rows: number, timeoutMs: number, priority?: 'high' | 'low') => {
      priorities.push(priority);
      return infer(input, rows, timeoutMs, priority);
    },
  } as unknown as ServingModel;
  const registry = {
    resolve: (name: string, version?: string) => {
      if (name !== 'm' || version !== '2') throw new Error(`no ${name} ${version ?? ''}`);
      return model;
    },
  } as unknown as ModelRegistry;
  return { registry, priorities };
}

const job = (keys: string[], version = '2'): ShadowJob => ({
  model: 'm',
  version,
  keys,
  input: new Float32Array(keys.length * ROW).fill(0.5),
  signature: 'serving_default',
  requestId: 'r1',
});

function runner(infer: ServingModel['infer'], maxRows = 8) {
  const logged: AnsweredRequest[] = [];
  const outcomes: [ShadowOutcome, number][] = [];
  const { registry, priorities } = fakeRegistry(infer);
  const shadow = new ShadowRunner(registry, { maxRows, timeoutMs: 1000 }, (a) => logged.push(a), {
    outcome: (_model, _version, outcome, rows) => outcomes.push([outcome, rows]),
  });
  return { shadow, logged, outcomes, priorities };
}

describe('shadow runs', () => {
  it('logs the challenger’s answers with source shadow, at low priority', async () => {
    const { shadow, logged, outcomes, priorities } = runner(async (_input, rows) => new Float32Array(rows * CLASSES).map((_, i) => i));
    shadow.submit(job(['a', 'b']));
    expect(shadow.rows).toBe(2);
    await shadow.settled();
    expect(shadow.rows).toBe(0);
    expect(priorities).toEqual(['low']);
    expect(outcomes).toEqual([['answered', 2]]);
    expect(logged).toHaveLength(1);
    const [answer] = logged as [AnsweredRequest];
    expect(answer).toMatchObject({ model: 'm', version: '2', source: 'shadow', keys: ['a', 'b'], scoresAreLogits: true, requestId: 'r1' });
    expect(Array.from(answer.scores(1))).toEqual([3, 4, 5]);
    expect(Array.from(answer.input?.(0) ?? [])).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('drops a run beyond the bound of rows in flight, and counts it', async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { shadow, logged, outcomes } = runner(async (_input, rows) => {
      await gate;
      return new Float32Array(rows * CLASSES);
    }, 8);
    shadow.submit(job(['a', 'b', 'c', 'd', 'e', 'f']));
    shadow.submit(job(['g', 'h', 'i']));
    shadow.submit(job(['j', 'k']));
    expect(shadow.rows).toBe(8);
    expect(outcomes).toEqual([['dropped', 3]]);
    release();
    await shadow.settled();
    expect(outcomes).toEqual([
      ['dropped', 3],
      ['answered', 6],
      ['answered', 2],
    ]);
    expect(logged.map((a) => a.keys.length)).toEqual([6, 2]);
  });

  it('counts a failing or missing challenger and never throws', async () => {
    const { shadow, logged, outcomes } = runner(() => Promise.reject(new Error('queue full')));
    expect(() => shadow.submit(job(['a']))).not.toThrow();
    expect(() => shadow.submit(job(['b'], '9'))).not.toThrow();
    await shadow.settled();
    expect(outcomes).toEqual([
      ['failed', 1],
      ['failed', 1],
    ]);
    expect(logged).toEqual([]);
    expect(shadow.rows).toBe(0);
  });
});
