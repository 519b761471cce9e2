/**
 * npm run bench:eval — continued evaluation, in one run on this machine:
 *  (a) the batched server at concurrency 64 with the prediction log off, and
 *      logging every prediction with its input on PGlite and on PostgreSQL;
 *  (b) 24 hourly windows with drift over 1,000,000 logged predictions, on
 *      both stores (and the rate they were ingested at);
 *  (c) 100,000 edge records and 100,000 labels ingested over HTTP, per store;
 *  (d) the drift scenario: windows until an alert, false alarms on clean windows.
 * Prints the figures side by side with their targets, as ratios where they are.
 * BENCH_PARTS (e.g. "bd") runs some parts; BENCH_PREDICTIONS scales (b).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withStore } from '../../test/db/with-store';
import { startPostgres, type PostgresCluster } from '../../test/db/postgres-cluster';
import { runDriftScenario } from '../../test/evaluation/drift-scenario';
import { spawnServer } from '../../test/server/spawn-server';
import { httpIngest } from './eval/http-ingest';
import { loggingRun, stopServer, type LoggingRun } from './eval/logging-cost';
import { windowsSpeed } from '../../test/evaluation/windows-speed';
import { chooseLoadGenerator } from './load';

type DatabaseSettings = Parameters<typeof withStore>[0];
import pg from 'pg';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 8);
const PARTS = new Set((process.env['BENCH_PARTS'] || 'abcd').toLowerCase());
const PREDICTIONS = Number(process.env['BENCH_PREDICTIONS'] ?? 1_000_000);
const fmt = (n: number, digits = 0) => n.toFixed(digits).padStart(10);
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');

let cluster: PostgresCluster | undefined;
let databases = 0;
async function postgresStore(): Promise<DatabaseSettings> {
  cluster ??= await startPostgres();
  const name = `bench_${++databases}`;
  const admin = new pg.Client(cluster.url);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`).finally(() => admin.end());
  return { databaseUrl: cluster.url.replace(/\/postgres$/, `/${name}`), dataDir: join(tmpdir(), 'unused') };
}
const pgliteStore = (): DatabaseSettings => ({ databaseUrl: undefined, dataDir: mkdtempSync(join(tmpdir(), 'bench-eval-')) });
const storeEnv = (s: DatabaseSettings): Record<string, string> => ({
  EVALUATION: 'on',
  DATA_DIR: s.dataDir,
  ...(s.databaseUrl ? { DATABASE_URL: s.databaseUrl } : {}),
});

async function partA(): Promise<void> {
  const generator = await chooseLoadGenerator();
  console.log(`(a) the batched server at concurrency 64, one keyed instance per request (a new key each), ${SECONDS} s, load from ${generator}`);
  const runs: LoggingRun[] = [];
  // Alternating off and on, so a drift of the machine's speed hits both alike.
  runs.push(await loggingRun('log off', { EVALUATION: 'off' }, generator, SECONDS));
  runs.push(await loggingRun('log on, PGlite', storeEnv(pgliteStore()), generator, SECONDS));
  runs.push(await loggingRun('log off', { EVALUATION: 'off' }, generator, SECONDS));
  runs.push(await loggingRun('log on, PostgreSQL', storeEnv(await postgresStore()), generator, SECONDS));
  runs.push(await loggingRun('log off', { EVALUATION: 'off' }, generator, SECONDS));
  console.log('  run                    req/s   p50 ms   p99 ms   logged rows   dropped');
  for (const r of runs)
    console.log(`  ${r.label.padEnd(20)}${fmt(r.load.perSecond)}${fmt(r.load.p50, 1)}${fmt(r.load.p99, 1)}${fmt(r.written, 0).padStart(14)}${fmt(r.dropped)}`);
  // Each run with the log on against the mean of the two runs with it off around it.
  for (const at of [1, 3]) {
    const on = runs[at];
    if (!on) continue;
    const off = ((runs[at - 1]?.load.perSecond ?? 0) + (runs[at + 1]?.load.perSecond ?? 0)) / 2;
    const ratio = on.load.perSecond / off;
    console.log(
      `  ${on.label} / log off: ${ratio.toFixed(3)} (target >= 0.95: ${verdict(ratio >= 0.95)}); every request logged: ${on.dropped === 0 ? 'yes' : `no, ${on.dropped} dropped`}`,
    );
  }
}

async function partB(): Promise<void> {
  console.log(
    `\n(b) 24 hourly windows with drift over ${PREDICTIONS.toLocaleString('en')} logged predictions (features of held-out digits, inputs not stored)`,
  );
  const end = Date.UTC(2026, 10, 1);
  for (const [label, settings, targetMs] of [
    ['PostgreSQL', await postgresStore(), 1000],
    ['PGlite', pgliteStore(), 3000],
  ] as const) {
    await withStore(settings, async (db) => {
      const r = await windowsSpeed(db, PREDICTIONS, end);
      const best = Math.min(...r.windowMs);
      console.log(
        `  ${label.padEnd(11)} ingest ${fmt(r.ingestPerSecond)} predictions/s, ${fmt(r.labelsPerSecond)} labels/s; ${r.windows} windows in ${r.windowMs.map((ms) => ms.toFixed(0)).join(' / ')} ms (target < ${targetMs} ms: ${verdict(best < targetMs)})`,
      );
    });
  }
}

async function partC(): Promise<void> {
  console.log('\n(c) over HTTP: 100,000 edge records with pixels (1,000 a request) and 100,000 labels (10,000 a request), 4 requests in flight');
  for (const [label, settings] of [
    ['PGlite', pgliteStore()],
    ['PostgreSQL', await postgresStore()],
  ] as const) {
    const { base, child } = await spawnServer({ ...storeEnv(settings), FEEDBACK_RATE_LIMIT: '1000000', BODY_LIMIT_BYTES: String(16 << 20) });
    try {
      const r = await httpIngest(base, 100_000, 100_000);
      console.log(`  ${label.padEnd(11)} ${fmt(r.recordsPerSecond)} edge records/s   ${fmt(r.labelsPerSecond)} labels/s`);
    } finally {
      await stopServer(child);
    }
  }
}

async function partD(): Promise<void> {
  console.log('\n(d) drift scenario: 20 clean hourly windows of held-out digits, then 4 of thick, rotated, slanted drawings; default rules');
  await withStore(pgliteStore(), async (db) => {
    const o = await runDriftScenario(db);
    console.log(`  accuracy clean ${o.cleanAccuracy.toFixed(4)}, drifted ${o.driftedAccuracy.toFixed(4)}`);
    console.log(`  false alarms on clean windows: ${o.falseAlarms.length} (target 0: ${verdict(o.falseAlarms.length === 0)})`);
    console.log(`  windows until the first alert: ${o.windowsToAlert ?? 'none'}; rules fired: ${[...new Set(o.alerts.map((a) => a.rule))].join(', ')}`);
  });
}

try {
  console.log('bench:eval — continued evaluation on this machine\n');
  if (PARTS.has('a')) await partA();
  if (PARTS.has('b')) await partB();
  if (PARTS.has('c')) await partC();
  if (PARTS.has('d')) await partD();
} finally {
  await cluster?.stop();
}
