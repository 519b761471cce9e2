/**
 * The page's entry point: starts what phase one will wait for (the manifest,
 * the GPU identity), then renders the app.
 */
import './app/zod-config';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import './app/app.css';
import { startupManifest } from './app/model-pack';
import { gpuIdentity } from './edge/backend-choice';

// Both are needed before phase one can start; ask now, while React renders.
startupManifest().catch(() => undefined);
void gpuIdentity();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
