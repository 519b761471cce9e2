/**
 * What was acknowledged survives SIGKILL, on both stores: the prediction log
 * after a flush was answered, labels after feedback was answered. The server
 * is a real process, killed without warning, and the store is read back by a
 * fresh process.
 */
import { expect, it } from 'vitest';
import { BACKENDS, freshStore } from '../../test/db/backends';
import { drawnPixels } from '../../test/drawn-digits';
import { spawnServer } from '../../test/server/spawn-server';
import { openDatabase } from '../db/open';
import { once } from 'node:events';

const TOKEN = 'durability-admin-token-0123';

it.each(BACKENDS)('keeps acknowledged predictions and labels across SIGKILL (%s)', async (kind) => {
  const store = await freshStore(kind);
  const env: Record<string, string> = {
    EVALUATION: 'on',
    ADMIN_TOKEN: TOKEN,
    DATA_DIR: store.settings.dataDir,
    ...(store.settings.databaseUrl ? { DATABASE_URL: store.settings.databaseUrl } : {}),
    // Long enough that nothing is written unless asked: the flush is the acknowledgement.
    LOG_FLUSH_MS: '60000',
  };
  const { base, child } = await spawnServer(env);
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  try {
    const instances = Array.from({ length: 40 }, (_, i) => ({ key: `kill-${i}`, pixels: drawnPixels(i % 10) }));
    expect((await post('/v1/models/digits-full:predict', { instances })).status).toBe(200);
    const flushed = await post('/v1/monitoring/flush', {}, { authorization: `Bearer ${TOKEN}` });
    expect(await flushed.json()).toEqual({ written: 40 });
    const feedback = await post('/v1/feedback', { labels: instances.map((inst, i) => ({ key: inst.key, label: String(i % 10) })) });
    expect(await feedback.json()).toEqual({ accepted: 40, pending: 0 });
  } finally {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  const db = await openDatabase(store.settings);
  try {
    const [counts] = await db.query<{ predictions: number; labels: number }>(
      "SELECT (SELECT count(*) FROM predictions WHERE key LIKE 'kill-%')::int AS predictions, (SELECT count(*) FROM labels WHERE key LIKE 'kill-%')::int AS labels",
    );
    expect(counts).toEqual({ predictions: 40, labels: 40 });
    const [profile] = await db.query<{ predictions: number; labelled: number }>(
      "SELECT sum(predictions)::int AS predictions, sum(labelled)::int AS labelled FROM window_profiles WHERE model = 'digits-full'",
    );
    expect(profile).toEqual({ predictions: 40, labelled: 40 });
  } finally {
    await db.close();
  }
});
