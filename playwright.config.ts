/**
 * Browser tests (e2e/): Debian's Chromium against the real server started on a
 * local port, one worker at a time; the launch flags are exported for specs
 * that add WebGPU, and the server's admin token for specs that call the admin
 * routes or open the operations dashboard.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

const PORT = Number(process.env['E2E_PORT'] ?? 4173);

// Debian's Chromium, never a downloaded browser build.
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The test server's ADMIN_TOKEN (monitoring, batch jobs, the operations dashboard). */
export const E2E_ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

/** Chromium's software WebGPU adapter (slow, ~100 ms a run); without these flags there is none. */
export const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--use-webgpu-adapter=swiftshader'];

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: 'reports/e2e.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  webServer: {
    command: 'npx tsx server/main.ts',
    // An evaluation store and batch folder of its own, so the tests never touch (or wait for the lock of) the repository's
    // ./data and ./batch; the default alert rules plus one on minute windows that a test can make fire (ops.spec.ts).
    env: {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'e2e-store-')),
      BATCH_DIR: mkdtempSync(join(tmpdir(), 'e2e-batch-')),
      ADMIN_TOKEN: E2E_ADMIN_TOKEN,
      MONITORING_RULES: 'e2e/fixtures/ops-rules.json',
    },
    url: `http://127.0.0.1:${PORT}/v2/health/ready`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
