/**
 * npm run bench:edge — phase one in headless Chromium, on the production build
 * served by the real server, for WASM and for WebGPU (Chromium's software adapter):
 *  - latency p50/p95 of a drawing through the whole app path (read the pad,
 *    preprocess, worker, gate, cache and history writes issued) next to a bare
 *    session.run of the same model in the same page, and their ratio;
 *  - time to the first prediction on a first visit and on an offline repeat visit;
 *  - bytes the server sent on the first visit, to the first prediction and with
 *    the service worker's precache complete.
 */
import { chromium, type Browser, type BrowserContext } from '@playwright/test';
import { buildReadyServer } from '../../server/app';
import { loadConfig } from '../../server/config';
import { CHROMIUM_ARGS, CHROMIUM_PATH, WEBGPU_ARGS } from '../../playwright.config';
import { DIGIT_STROKES } from '../../test/fixtures/digit-strokes';
import { useSettings, waitForServiceWorker } from '../support/app';
import { firstPrediction, recordFirstPrediction } from './first-prediction';
import { measureLatency, openHarness, type LatencyFigures } from './latency';

const RUNS = { wasm: Number(process.env['BENCH_RUNS'] ?? 300), webgpu: Number(process.env['BENCH_WEBGPU_RUNS'] ?? 40) };
/** Idle time before each timed run: back to back, and as a person draws (see latency.ts). WebGPU's runs take ~100 ms each, so only back to back. */
const PAUSES = { wasm: [0, 30], webgpu: [0] };
type Backend = keyof typeof RUNS;

interface VisitFigures {
  firstVisitMs: number;
  bytesToFirstPrediction: number;
  bytesWithPrecache: number;
  offlineRepeatMs: number;
}

const server = await buildReadyServer({ ...loadConfig({ LOG_LEVEL: 'warn' }), port: 0, host: '127.0.0.1' });
let bytesSent = 0;
server.app.addHook('onResponse', async (_request, reply) => {
  bytesSent += Number(reply.getHeader('content-length') ?? 0);
});
await server.app.listen({ port: 0, host: '127.0.0.1' });
const address = server.app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

async function visits(context: BrowserContext, backend: Backend): Promise<VisitFigures> {
  const page = await context.newPage();
  await useSettings(page, { backend });
  await recordFirstPrediction(page, DIGIT_STROKES[7] ?? []);
  bytesSent = 0;
  await page.goto(base);
  const first = await firstPrediction(page);
  if (first.label !== '7') throw new Error(`the first prediction read ${first.label}, not 7`);
  const bytesToFirstPrediction = bytesSent;
  await waitForServiceWorker(page);
  // Workbox finishes precaching before the worker activates; give late responses a moment to be counted.
  await page.waitForTimeout(500);
  const bytesWithPrecache = bytesSent;
  await page.close();

  await context.setOffline(true);
  const repeat = await context.newPage();
  await recordFirstPrediction(repeat, DIGIT_STROKES[7] ?? []);
  await repeat.goto(base);
  const offline = await firstPrediction(repeat);
  await repeat.close();
  await context.setOffline(false);
  return { firstVisitMs: first.ms, bytesToFirstPrediction, bytesWithPrecache, offlineRepeatMs: offline.ms };
}

async function benchBackend(browser: Browser, backend: Backend): Promise<{ visit: VisitFigures; latency: LatencyFigures[] }> {
  const context = await browser.newContext();
  try {
    const visit = await visits(context, backend);
    const page = await context.newPage();
    const runs = RUNS[backend];
    const harness = await openHarness(page, `${base}/bench.html`, runs * PAUSES[backend].length);
    if (harness.backend !== backend) throw new Error(`phase one ran on ${harness.backend}, not ${backend}`);
    const latency: LatencyFigures[] = [];
    for (const [pass, pause] of PAUSES[backend].entries()) latency.push(await measureLatency(page, harness, { from: pass * runs, runs }, pause));
    return { visit, latency };
  } finally {
    await context.close();
  }
}

const ms = (x: number) => x.toFixed(2).padStart(8);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

try {
  const results: [Backend, Awaited<ReturnType<typeof benchBackend>>][] = [];
  const backends = (process.env['BENCH_BACKENDS'] ?? 'wasm,webgpu').split(',').filter((b): b is Backend => b in RUNS);
  for (const backend of backends) {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: backend === 'webgpu' ? [...CHROMIUM_ARGS, ...WEBGPU_ARGS] : CHROMIUM_ARGS });
    try {
      results.push([backend, await benchBackend(browser, backend)]);
    } finally {
      await browser.close();
    }
  }
  console.log('phase one, headless Chromium, production build; latency in ms per drawing');
  console.log('backend  pause ms  threads   runs   app p50   app p95  bare p50  bare p95  p50 ratio  p95 ratio  stored p50');
  for (const [backend, { latency }] of results) {
    for (const l of latency) {
      console.log(
        `${backend.padEnd(8)} ${String(l.pauseMs).padStart(8)} ${String(l.threads).padStart(8)} ${String(l.runs).padStart(6)} ${ms(l.app.p50)}  ${ms(l.app.p95)}  ${ms(l.bare.p50)}  ${ms(l.bare.p95)}  ${(l.app.p50 / l.bare.p50).toFixed(2).padStart(9)}  ${(l.app.p95 / l.bare.p95).toFixed(2).padStart(9)}  ${ms(l.stored.p50)}`,
      );
    }
  }
  console.log('\nfirst prediction, ms after navigation start; bytes the server sent on the first visit');
  console.log('backend   first visit   offline repeat   to first prediction   with precache');
  for (const [backend, { visit: v }] of results) {
    console.log(
      `${backend.padEnd(8)} ${ms(v.firstVisitMs).padStart(12)} ${ms(v.offlineRepeatMs).padStart(16)} ${mb(v.bytesToFirstPrediction).padStart(21)} ${mb(v.bytesWithPrecache).padStart(15)}`,
    );
  }
} finally {
  await server.app.close();
}
