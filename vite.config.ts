/**
 * The PWA build and dev server: React, the service worker and its precache
 * (shell, WASM runtime; the model pack is added at run time by the server's
 * /models/precache.js), cross-origin isolation headers, and two more entries
 * that are never precached: the edge benchmark's page and the operations
 * dashboard (/ops).
 */
import { readFileSync } from 'node:fs';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { ISOLATION_HEADERS } from './src/core/api/headers';
import { webAppManifest } from './src/sw/web-app-manifest';

// The same isolation headers as the production server, so WASM threads work in development too.
const isolation = { ...ISOLATION_HEADERS };

/** Shown in the status bar; a deployment may set APP_VERSION (a build id), else the package version is used. */
const appVersion = process.env['APP_VERSION'] ?? (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

export default defineConfig({
  define: { __APP_VERSION__: JSON.stringify(appVersion) },
  plugins: [
    react(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false,
      manifest: webAppManifest,
      injectManifest: {
        // The shell and the plain WASM runtime (not the 27 MB WebGPU build). Not models/: the server names the
        // model pack at run time (the deployments' champions), so a promotion needs no build.
        globPatterns: ['**/*.{html,js,css,webmanifest,svg}', 'assets/ort-wasm-simd-threaded-*.wasm'],
        // Neither the benchmark's page nor the operations dashboard is part of the app: never precached; nor the
        // build's copy of public/models, which the server no longer answers from.
        globIgnores: ['bench.html', 'assets/bench-*.js', 'ops.html', 'assets/ops-*.js', 'assets/ops-*.css', 'models/**'],
        // onnxruntime-web's WASM binary is 14 MB; Workbox refuses files over 2 MiB unless told.
        maximumFileSizeToCacheInBytes: 20 * 1024 * 1024,
        // A classic script, not a module: the worker imports the server's model pack script with importScripts.
        rollupFormat: 'iife',
      },
      devOptions: { enabled: false },
    }),
  ],
  server: { headers: isolation },
  preview: { headers: isolation },
  // onnxruntime-web finds its binaries next to its own module; pre-bundling would move it.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // bench.html is the app plus the edge benchmark's harness (npm run bench:edge); ops.html is the
    // operations dashboard (served at /ops). Neither is precached.
    rollupOptions: {
      input: { main: 'index.html', bench: 'bench.html', ops: 'ops.html' },
      output: {
        // The page never runs onnxruntime itself (phase one lives in the worker): onnxruntime in
        // the page build is the harness's. One chunk holds all of it, because its WASM threads
        // load that chunk as their script; the name keeps it out of the precache.
        // zod and the setting that keeps it from probing eval share one chunk, so the setting runs
        // before any chunk builds a schema: the app and the dashboard share chunks that do.
        advancedChunks: {
          groups: [
            { name: 'bench-onnxruntime', test: /node_modules[\\/]onnxruntime-/ },
            { name: 'zod', test: /node_modules[\\/]zod[\\/]|src[\\/]app[\\/]zod-config\.ts$/ },
          ],
        },
      },
    },
  },
});
