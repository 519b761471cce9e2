/**
 * The audit entries of deployment changes, written in the change's
 * transaction so both commit or neither does: one entry for a change of one
 * model (`deployment_changed`, `rollback`), one per model for a promotion.
 * Without an audit log (EVALUATION=off) there is nothing to write.
 */
import type { Deployment } from '../../../src/core/api/deployment';
import type { AuditKind } from '../../../src/core/api/audit';
import type { ChangeRecorder, PromotionRecorder } from '../../serving/deployment/deployments';
import type { AuditLog } from './audit-store';

type Details = Readonly<Record<string, unknown>>;

/** An entry of `kind` for a change of `model`; its version is the champion after the change. */
export function changeEntry(
  audit: AuditLog | undefined,
  kind: Extract<AuditKind, 'deployment_changed' | 'rollback'>,
  model: string,
  details: (previous: Deployment, current: Deployment) => Details,
): ChangeRecorder | undefined {
  return (
    audit &&
    (async (tx, previous, current) => {
      await audit.record({ kind, model, version: current.champion, details: details(previous, current) }, tx);
    })
  );
}

/** A `promoted` entry for each model of a promotion; `others` are the other models promoted with it. */
export function promotionEntries(
  audit: AuditLog | undefined,
  details: (previous: Deployment, current: Deployment, others: readonly string[]) => Details,
): PromotionRecorder | undefined {
  return (
    audit &&
    (async (tx, results) => {
      for (const { model, previous, current } of results) {
        const others = results.map((r) => r.model).filter((m) => m !== model);
        await audit.record({ kind: 'promoted', model, version: current.champion, details: details(previous, current, others) }, tx);
      }
    })
  );
}
