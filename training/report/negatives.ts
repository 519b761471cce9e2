/**
 * The report's "not a digit" section: on the held-out digits and on held-out
 * negatives of kinds never trained on, how often the small model, the full
 * model and the cascade (the manifest's gate) answer "not a digit", and how
 * many negatives reach the cloud, in all and kind by kind.
 */
import { argmax } from '../../src/core/math/probabilities';
import type { GateRule } from '../evaluation/cascade';
import { cascadeAt, pairPredictions } from '../evaluation/cascade';

export interface RejectionFigures {
  readonly count: number;
  readonly small: number;
  readonly full: number;
  readonly cascade: number;
  /** Share the gate sends to the cloud model. */
  readonly toCloud: number;
}

const share = (rows: readonly Float32Array[], index: number) => rows.filter((row) => argmax(row) === index).length / rows.length;

/** How often each answers the reject label on one set of inputs (labels only matter for the cascade's accuracy, not here). */
export function rejectionFigures(small: readonly Float32Array[], full: readonly Float32Array[], rule: GateRule, rejectIndex: number): RejectionFigures {
  const point = cascadeAt(
    pairPredictions(
      small,
      full,
      small.map(() => rejectIndex),
    ),
    rule,
  );
  return { count: small.length, small: share(small, rejectIndex), full: share(full, rejectIndex), cascade: point.rejected, toCloud: point.escalated };
}

export interface KindFigures extends RejectionFigures {
  readonly kind: string;
}

/** The figures of each kind, in order of first appearance. */
export function figuresByKind(
  small: readonly Float32Array[],
  full: readonly Float32Array[],
  kinds: readonly string[],
  rule: GateRule,
  rejectIndex: number,
): KindFigures[] {
  return [...new Set(kinds)].map((kind) => {
    const rows = kinds.flatMap((k, i) => (k === kind ? [i] : []));
    const pick = (all: readonly Float32Array[]) => rows.map((i) => all[i] as Float32Array);
    return { kind, ...rejectionFigures(pick(small), pick(full), rule, rejectIndex) };
  });
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`.padStart(8);

export function printRejections(digits: RejectionFigures, negatives: RejectionFigures, kinds: readonly KindFigures[]): void {
  console.log('\n"not a digit" (rejections by the small int8 model, the full model, and the cascade with the manifest\'s gate)');
  console.log('  inputs                              count     small      full   cascade  to cloud');
  const line = (name: string, f: RejectionFigures) =>
    console.log(`  ${name.padEnd(34)} ${String(f.count).padStart(6)}  ${pct(f.small)}  ${pct(f.full)}  ${pct(f.cascade)}  ${pct(f.toCloud)}`);
  line('held-out digits (wrongly rejected)', digits);
  line('held-out negatives, unseen kinds', negatives);
  for (const kind of kinds) line(`  ${kind.kind}`, kind);
}
