/** The operations dashboard's entry (ops.html, served at /ops): never precached, not part of the app's first load. */
import '../app/zod-config';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { OpsApp } from './OpsApp';
import './ops.css';

const root = document.getElementById('root');
if (!root) throw new Error('ops.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <OpsApp />
  </StrictMode>,
);
