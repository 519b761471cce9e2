/// <reference lib="webworker" />
/**
 * The service worker: precaches the app shell, the small model, the model
 * manifest and the WASM runtime, so the app starts and predicts offline.
 * API routes are never routed here, so they always go to the network.
 * The shell's list comes with the build (`self.__WB_MANIFEST`); the model
 * pack's from the server at run time (`/models/precache.js`, the deployments'
 * champions), so a promoted edge model installs a new worker and the app
 * offers the update, with no new build.
 */
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | PrecacheEntry)[]; __MODEL_PACK?: PrecacheEntry[] };

/** The server's script naming the model pack's files and revisions; see server/routes/model-pack.ts. */
const MODEL_PACK_SCRIPT = '/models/precache.js';

/** Paths the server answers itself; navigations there must not get the shell. */
const API_PATHS = [/^\/v1\//, /^\/v2(\/|$)/, /^\/metrics/, /^\/admin/];

// At the top level, where importScripts is allowed. Browsers check an imported script's bytes on each
// update check: a new champion makes a new worker. If the server cannot be reached this throws, the new
// worker fails to install, and the active one keeps serving.
importScripts(MODEL_PACK_SCRIPT);

cleanupOutdatedCaches();
// The first visit's page is controlled at once, so its later requests already go through the precache.
clientsClaim();
// A pack entry's revision is its sha256: a new champion's files replace the old ones, which the new worker's activation deletes.
precacheAndRoute([...self.__WB_MANIFEST, ...(self.__MODEL_PACK ?? [])]);
// The edge benchmark's page and the operations dashboard are not the app: never precached, nor replaced by the shell.
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [...API_PATHS, /^\/bench\.html$/, /^\/ops(\/|\.html)?$/] }));

// The WebGPU build's binary (27 MB) is not precached: it is kept once a device has used it.
registerRoute(
  ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith('/assets/') && url.pathname.endsWith('.wasm'),
  new CacheFirst({ cacheName: 'runtime-binaries' }),
);

// A waiting version takes over only when the page asks (the user accepted the update).
self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
