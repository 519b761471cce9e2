/** What makes the app installable: names, colours, icons (one maskable) and store screenshots. */
import type { ManifestOptions } from 'vite-plugin-pwa';

export const webAppManifest: Partial<ManifestOptions> = {
  id: '/',
  name: 'Digits: edge and cloud inference',
  short_name: 'Digits',
  description: 'Draw a digit: a small model on your device answers at once, the full model in the cloud settles the hard cases.',
  start_url: '/',
  scope: '/',
  display: 'standalone',
  theme_color: '#1f2937',
  background_color: '#ffffff',
  icons: [
    { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
  ],
  screenshots: [
    { src: '/screenshots/narrow.png', sizes: '390x844', type: 'image/png', form_factor: 'narrow', label: 'Drawing a digit on a phone' },
    { src: '/screenshots/wide.png', sizes: '1280x800', type: 'image/png', form_factor: 'wide', label: 'The prediction card and history' },
  ],
};
