/**
 * Retraining leases on both stores: one holder per model at a time, given
 * back at the end, renewed while held, and taken over once run out (the
 * server holding it died); tasks holding one lease take turns.
 */
import { expect, it } from 'vitest';
import { eachBackend } from '../../../test/db/backends';
import { RetrainLeases } from './retrain-lease';

eachBackend('retraining leases', (suite) => {
  it('has one holder per model, until it gives the lease back', async () => {
    const leases = new RetrainLeases(suite().db);
    const first = await leases.acquire('digits-full');
    expect(first).toBeDefined();
    expect(await leases.acquire('digits-full')).toBeUndefined();
    const other = await leases.acquire('digits-small');
    expect(other).toBeDefined();
    await first?.release();
    const again = await leases.acquire('digits-full');
    expect(again).toBeDefined();
    await Promise.all([again?.release(), other?.release()]);
  });

  it('keeps a renewed lease, and lets a run-out one be taken over', async () => {
    // A lease of 400 ms renewed every 100 ms outlives a second; one whose holder stopped renewing runs out.
    const short = new RetrainLeases(suite().db, 400);
    const held = await short.acquire('renewed');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await short.acquire('renewed')).toBeUndefined();
    await held?.release();

    await suite().db.query("INSERT INTO retrain_leases (model, token, expires) VALUES ('dead', 'x', now() - interval '1 second')");
    const taken = await short.acquire('dead');
    expect(taken).toBeDefined();
    await taken?.release();
  });

  it('runs tasks holding one lease one after the other, whoever asks', async () => {
    const leases = new RetrainLeases(suite().db);
    const signal = new AbortController().signal;
    const order: string[] = [];
    const task = (name: string) => async () => {
      order.push(`${name} in`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      order.push(`${name} out`);
    };
    await Promise.all([leases.holding('manifest', signal, task('a')), new RetrainLeases(suite().db).holding('manifest', signal, task('b'))]);
    expect(order).toEqual(order[0] === 'a in' ? ['a in', 'a out', 'b in', 'b out'] : ['b in', 'b out', 'a in', 'a out']);
  });
});
