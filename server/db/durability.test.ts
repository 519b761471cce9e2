/**
 * Durability: a process that wrote and was told "committed" may be killed
 * (SIGKILL: no clean-up, no close) and every acknowledged row is still there
 * when the store is opened again. For PostgreSQL the killed process is the
 * client; for PGlite it is the database itself.
 */
import { describe, expect, it } from 'vitest';
import { BACKENDS, freshStore } from '../../test/db/backends';
import { spawnStoreChild } from '../../test/db/children';
import { openDatabase } from './open';

const ACKS = 40;

describe.each(BACKENDS)('durability (%s)', (kind) => {
  it('keeps every acknowledged commit of a process killed with SIGKILL', async () => {
    const { settings } = await freshStore(kind);
    const child = spawnStoreChild('insert', settings);
    try {
      await child.until((lines) => lines.filter((l) => l.startsWith('ack ')).length >= ACKS);
    } finally {
      child.process.kill('SIGKILL');
    }
    expect(await child.exited).toBeNull();
    const acked = child.lines.filter((l) => l.startsWith('ack ')).map((l) => `k${l.slice(4)}`);
    expect(acked.length).toBeGreaterThanOrEqual(ACKS);

    const db = await openDatabase(settings);
    try {
      const labels = (await db.query<{ key: string }>('SELECT key FROM labels')).map((r) => r.key);
      const history = (await db.query<{ key: string }>('SELECT key FROM label_history')).map((r) => r.key);
      expect(labels).toEqual(expect.arrayContaining(acked));
      // Each transaction wrote both tables or neither: at most the one in flight when killed is beyond the acks.
      expect(new Set(history)).toEqual(new Set(labels));
      expect(labels.length - acked.length).toBeLessThanOrEqual(1);
    } finally {
      await db.close();
    }
  });
});
