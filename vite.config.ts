import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The same isolation headers as the production server, so WASM threads work in development too.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  server: { headers: isolation },
  preview: { headers: isolation },
  build: { outDir: 'dist', emptyOutDir: true },
});
