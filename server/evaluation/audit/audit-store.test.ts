/**
 * The audit log against both stores: entries come back as written, newest
 * first, filtered by time and model; an entry written in a transaction that
 * rolls back is gone with it; bad entries are refused before and by the
 * store; and each alert firing is an `alert` entry committed with it (none
 * for a firing the cooldown held back).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_KINDS, AuditEntry, type AuditKind } from '../../../src/core/api/audit';
import { eachBackend } from '../../../test/db/backends';
import { recordFiring, type NewFiring } from '../rules/alert-store';
import { AuditLog, type NewAuditEntry } from './audit-store';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 29, 12, minute));
const KEYS = ['id', 'time', 'kind', 'model', 'version', 'details'];

eachBackend('audit log', (suite) => {
  let audit: AuditLog;
  beforeAll(() => {
    audit = new AuditLog(suite().db);
  });

  it('returns each entry as written, with an id, and lists them newest first', async () => {
    const written: AuditEntry[] = [];
    for (const [i, kind] of AUDIT_KINDS.entries()) {
      const entry = await audit.record({
        kind,
        model: i % 2 ? 'digits-small' : 'digits-full',
        version: String(i),
        time: at(i),
        details: { step: i, nested: { ok: true } },
      });
      expect(AuditEntry.parse(entry)).toEqual(entry);
      expect(Object.keys(entry)).toEqual(KEYS);
      expect(entry).toMatchObject({ kind, time: at(i).toISOString(), version: String(i), details: { step: i, nested: { ok: true } } });
      written.push(entry);
    }
    expect(new Set(written.map((e) => e.id)).size).toBe(written.length);
    const all = await audit.since(undefined);
    expect(all).toEqual([...written].reverse());
    expect(await audit.since(at(6))).toEqual([written[7], written[6]]);
    expect(await audit.since(at(4), 'digits-small')).toEqual([written[7], written[5]]);
    expect(await audit.since(undefined, 'digits-full', 2)).toEqual([written[6], written[4]]);
    expect(await audit.since(at(30))).toEqual([]);
    expect(await audit.since(undefined, 'nothing')).toEqual([]);
  });

  it('keeps entries of the same time in the order written, and dates one without a time by the store clock', async () => {
    const first = await audit.record({ kind: 'promoted', model: 'same-time', version: '2', time: at(40) });
    const second = await audit.record({ kind: 'deployment_changed', model: 'same-time', version: '2', time: at(40) });
    expect((await audit.since(undefined, 'same-time')).map((e) => e.id)).toEqual([second.id, first.id]);

    const before = Date.now();
    const now = await audit.record({ kind: 'retrain_started', model: 'clocked' });
    expect(now).toMatchObject({ version: null, details: {} });
    // The store's clock, not ours: allow for a small skew.
    expect(Math.abs(Date.parse(now.time) - before)).toBeLessThan(60_000);
  });

  it('writes an entry in the transaction of its change: rolled back with it, committed with it', async () => {
    const { db } = suite();
    const failure = db.transaction(async (tx) => {
      await audit.record({ kind: 'rollback', model: 'in-tx', version: '1' }, tx);
      throw new Error('the change failed');
    });
    await expect(failure).rejects.toThrow('the change failed');
    expect(await audit.since(undefined, 'in-tx')).toEqual([]);
    const kept = await db.transaction((tx) => audit.record({ kind: 'rollback', model: 'in-tx', version: '1', details: { to: '1' } }, tx));
    expect(await audit.since(undefined, 'in-tx')).toEqual([kept]);
  });

  it('refuses an unknown kind, an empty model, details that are not an object, and a limit out of range', async () => {
    const bad: unknown[] = [
      { kind: 'deleted', model: 'm' },
      { kind: 'alert', model: '' },
      { kind: 'alert', model: 'm', details: [1, 2] },
      { kind: 'alert', model: 'm', details: null },
      { kind: 'alert', model: 'm', time: new Date(Number.NaN) },
    ];
    for (const entry of bad) await expect(audit.record(entry as NewAuditEntry)).rejects.toThrow(RangeError);
    await expect(audit.since(undefined, undefined, 0)).rejects.toThrow(RangeError);
    await expect(audit.since(undefined, undefined, 1001)).rejects.toThrow(RangeError);
    // The store holds the same list of kinds.
    const insert = suite().db.query("INSERT INTO audit_log (kind, model) VALUES ('deleted', 'm')");
    await expect(insert).rejects.toThrow(/audit_log_kind_check|check constraint/);
    expect(await audit.since(undefined, 'm')).toEqual([]);
  });

  describe('alert firings', () => {
    const firing = (minute: number): NewFiring => ({
      time: at(minute),
      rule: 'drift',
      model: 'alerted',
      version: '3',
      window: { start: at(minute - 60).toISOString(), end: at(minute).toISOString() },
      value: 0.75,
      threshold: 0.5,
      evidence: { kind: 'dataset_drift', drifted_share: 0.75 },
      action: 'notify',
    });

    it('are alert entries of the audit log, written with the firing', async () => {
      const record = await recordFiring(suite().db, firing(120), 3600);
      expect(record).toBeDefined();
      const entries = await audit.since(undefined, 'alerted');
      expect(entries).toEqual([
        {
          id: expect.any(Number),
          time: at(120).toISOString(),
          kind: 'alert' satisfies AuditKind,
          model: 'alerted',
          version: '3',
          details: { alert_id: record?.id, rule: 'drift', window: record?.window, value: 0.75, threshold: 0.5, action: 'notify' },
        },
      ]);
      // Held back by the cooldown: no firing, no entry.
      expect(await recordFiring(suite().db, firing(150), 3600)).toBeUndefined();
      expect(await audit.since(undefined, 'alerted')).toHaveLength(1);
    });
  });
});
