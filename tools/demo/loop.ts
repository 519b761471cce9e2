/**
 * npm run demo:loop — the whole loop of continued evaluation in one command,
 * on this machine: a server on a fresh store and a private copy of the model
 * pack, a stream of digits through the keyed API (clean, then drawn as users
 * on phones draw) with their ground truth arriving late, an accuracy rule
 * whose action is retrain, and then what the server does by itself: the
 * alert, the retraining, the challenger in shadow, the gate's decision with
 * its numbers, and the promotion. Prints a timeline and the accuracy on the
 * drifted stream before and after; exits 0 only if the loop closed (the new
 * version promoted, and better on new drifted digits than the old one).
 * Options: --keep (keep the demo's folder), --rate N (digits a second, default 20).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AlertsResponse } from '../../src/core/api/alerts';
import type { AuditResponse } from '../../src/core/api/audit';
import type { PredictResponse } from '../../src/core/api/predict';
import type { RetrainRun, RetrainRuns } from '../../src/core/api/retrain';
import { registryCopy } from '../../test/server/folders';
import { spawnServer } from '../../test/server/spawn-server';
import { DigitSource, type StreamDigit } from './drifting-stream';
import { Tally, Timeline } from './timeline';

const MODEL = 'digits-full';
const SEED = 20261205;
/** Seconds of clean digits at least before the drift begins, at the start of a minute. */
const CLEAN_SECONDS = 15;
const MINUTE_MS = 60_000;
/** Ground truth arrives this long after the prediction. */
const LABEL_DELAY_MS = 10_000;
/** New drifted digits judged by both versions once the loop has closed. */
const AFTER_COUNT = 1000;
/** The loop must close within this, or the demo fails. */
const DEADLINE_MS = 20 * 60_000;
const RULE = {
  kind: 'accuracy_below',
  name: 'accuracy_drop',
  model: MODEL,
  window: '1m',
  min_samples: 200,
  threshold: 0.9,
  cooldown_s: 3600,
  action: 'retrain',
};

const { values } = parseArgs({ options: { keep: { type: 'boolean', default: false }, rate: { type: 'string', default: '20' } } });
const rate = Number(values.rate);
if (!Number.isInteger(rate) || rate < 1 || rate > 500) throw new Error(`--rate must be an integer from 1 to 500, not ${values.rate}`);

const dir = mkdtempSync(join(tmpdir(), 'demo-loop-'));
const token = randomBytes(16).toString('hex');
const auth = { authorization: `Bearer ${token}` };
writeFileSync(join(dir, 'rules.json'), JSON.stringify({ rules: [RULE] }, null, 2));
const timeline = new Timeline();

timeline.event(
  `starting the server: a fresh store, a copy of the model pack, rule ${RULE.name} (accuracy of a 1-minute window below ${RULE.threshold}: retrain)`,
);
const { base, child } = await spawnServer({
  EVALUATION: 'on',
  DATA_DIR: join(dir, 'store'),
  MODEL_REPOSITORY: registryCopy(),
  ADMIN_TOKEN: token,
  BATCH_DIR: join(dir, 'batch'),
  RETRAIN_DIR: join(dir, 'retrain'),
  MONITORING_RULES: join(dir, 'rules.json'),
  MONITORING_INTERVAL_S: '5',
});
timeline.event(`server ready at ${base}`);

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${base}${path}`, { ...init, headers: { 'content-type': 'application/json', ...auth, ...init.headers } });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Each digit's answer and the version that gave it (a split A/B answer names it per prediction). */
async function predict(digits: readonly StreamDigit[], version?: string): Promise<{ label: string; version: string }[]> {
  const path = version ? `/v1/models/${MODEL}/versions/${version}:predict` : `/v1/models/${MODEL}:predict`;
  const body = { instances: digits.map((d) => ({ key: d.key, pixels: Array.from(d.pixels) })) };
  const answer = await call<PredictResponse>(path, { method: 'POST', body: JSON.stringify(body) });
  return answer.predictions.map((p) => ({ label: p.label, version: p.model_version ?? answer.model_version }));
}

const sendLabels = (digits: readonly StreamDigit[]) =>
  digits.length === 0
    ? Promise.resolve()
    : call('/v1/feedback', { method: 'POST', body: JSON.stringify({ labels: digits.map((d) => ({ key: d.key, label: d.label })) }) });

const source = new DigitSource(SEED);
const tally = new Tally();
const pendingLabels: { due: number; digit: StreamDigit }[] = [];
let run: RetrainRun | undefined;
let alerted = false;
const started = Date.now();
/**
 * The drift begins with a minute, so its first window (the rule's 1-minute windows) is drifted whole and the
 * labelled drawings a retraining finds are much the same from run to run.
 */
const driftAt = Math.ceil((started + CLEAN_SECONDS * 1000) / MINUTE_MS) * MINUTE_MS;

/** One second of the stream: predictions answered by whichever version serves, labels due sent. */
async function streamTick(): Promise<void> {
  const drifted = Date.now() >= driftAt;
  const digits = source.take(rate, drifted ? 'drifted' : 'clean', drifted);
  const answers = await predict(digits);
  answers.forEach((answer, i) => tally.add(drifted ? 'drifted' : 'clean', answer.version, answer.label === digits[i]?.label));
  for (const digit of digits) pendingLabels.push({ due: Date.now() + LABEL_DELAY_MS, digit });
  const due = pendingLabels.filter((p) => p.due <= Date.now());
  pendingLabels.splice(0, due.length);
  await sendLabels(due.map((p) => p.digit));
}

/** What the server did since the last look: the alert, the run's steps. */
async function watch(): Promise<void> {
  if (!alerted) {
    const { alerts } = await call<AlertsResponse>(`/v1/monitoring/alerts?model=${MODEL}`);
    const alert = alerts.at(-1);
    if (alert) {
      alerted = true;
      const evidence = alert.evidence as { labelled?: number; accuracy?: { value: number } };
      timeline.event(
        `ALERT ${alert.rule} on ${alert.model} version ${alert.version}: window ${alert.window.start.slice(11, 19)}–${alert.window.end.slice(11, 19)}, ` +
          `accuracy ${evidence.accuracy === undefined ? '?' : (evidence.accuracy.value * 100).toFixed(1)}% of ${evidence.labelled ?? '?'} labelled (upper bound ${(alert.value * 100).toFixed(1)}% < ${alert.threshold * 100}%) → action ${alert.action}`,
      );
    }
  }
  const { runs } = await call<RetrainRuns>(`/v1/models/${MODEL}/retrain`);
  const latest = runs[0];
  if (!latest) return;
  if (!run) timeline.event(`retraining ${latest.id} started (trigger ${latest.trigger}, from version ${latest.champion})`);
  for (const step of latest.steps.slice(run?.steps.length ?? 0))
    timeline.event(`  ${step.step} ${step.ok ? 'done' : 'FAILED'} in ${step.seconds.toFixed(1)} s: ${step.message}`);
  run = latest;
}

/** The audit log of the model, oldest first: the loop's evidence as the server recorded it. */
async function printAudit(): Promise<void> {
  const { entries } = await call<AuditResponse>(`/v1/monitoring/audit?model=${MODEL}`);
  console.log('\nthe audit log (GET /v1/monitoring/audit):');
  for (const entry of entries.reverse()) {
    const at = ((Date.parse(entry.time) - timeline.start) / 1000).toFixed(1).padStart(7);
    console.log(`${at} s  #${entry.id} ${entry.kind.padEnd(18)} version ${entry.version ?? '-'}`);
  }
}

try {
  timeline.event(
    `streaming ${rate} digits a second through POST /v1/models/${MODEL}:predict: clean until ${new Date(driftAt).toISOString().slice(11, 19)}, then drifted; labels ${LABEL_DELAY_MS / 1000} s late`,
  );
  let drifting = false;
  while (!run || run.state === 'running') {
    if (Date.now() - started > DEADLINE_MS) throw new Error(`the loop did not close within ${DEADLINE_MS / 60_000} minutes`);
    const tick = Date.now();
    await streamTick();
    if (!drifting && tick >= driftAt) {
      drifting = true;
      timeline.event('the drift begins: thick strokes, turned 20–40°, leaning');
    }
    await watch();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (Date.now() - tick))));
  }
  await sendLabels(pendingLabels.splice(0).map((p) => p.digit));
  timeline.event(`retraining ${run.id}: ${run.state.toUpperCase()}${run.message ? ` (${run.message})` : ''}`);

  const champion = run.champion;
  const challenger = run.version;
  let after = { old: NaN, fresh: NaN };
  if (challenger) {
    // New drifted digits through the keyed API as clients send them (answered by whichever version is the
    // champion now), and the same digits through the old version, by name, for comparison.
    const digits = source.take(AFTER_COUNT, 'after', true);
    const score = async (version: string | undefined, phase: string) => {
      let right = 0;
      for (let i = 0; i < digits.length; i += 200) {
        const batch = digits.slice(i, i + 200);
        const answers = await predict(batch, version);
        answers.forEach((a, j) => {
          const correct = a.label === batch[j]?.label;
          if (correct) right += 1;
          tally.add(phase, a.version, correct);
        });
      }
      return right / digits.length;
    };
    after = { fresh: await score(undefined, 'after'), old: await score(champion, 'after, by name') };
    await sendLabels(digits);
    timeline.event(`${AFTER_COUNT} new drifted digits through POST /v1/models/${MODEL}:predict and through version ${champion} by name`);
  }
  await printAudit();
  console.log(tally.table());
  if (run.decision) console.log(`\nthe gate (version ${challenger} against ${champion}):\n${run.decision.reasons.map((r) => `  - ${r}`).join('\n')}`);
  console.log('\nwall time of each step:');
  for (const step of run.steps) console.log(`  ${step.step.padEnd(9)} ${step.seconds.toFixed(1).padStart(7)} s  ${step.ok ? '' : 'FAILED'}`);
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const before = tally.accuracy('drifted', champion);
  console.log(
    `\naccuracy on the drifted stream: before ${pct(before)} (version ${champion}, answering the stream), ` +
      `after ${pct(after.fresh)} (the champion now, on ${AFTER_COUNT} new drifted digits; version ${champion} on the same: ${pct(after.old)})`,
  );
  const closed = run.state === 'promoted' && after.fresh > after.old && after.fresh > before;
  console.log(
    closed
      ? '\nthe loop closed: the drift was detected, the model retrained, judged, promoted, and it is better on the drifted stream'
      : '\nthe loop did NOT close',
  );
  process.exitCode = closed ? 0 : 1;
} catch (error) {
  console.error(`demo:loop failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  if (values.keep) console.log(`the demo's folder (store, batch jobs, retraining runs): ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
