import { useSyncExternalStore } from 'react';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  return () => {
    window.removeEventListener('online', onChange);
    window.removeEventListener('offline', onChange);
  };
}

/** Connectivity and whether the page is cross-origin isolated (WASM threads need it). */
export function StatusBar() {
  const online = useSyncExternalStore(subscribe, () => navigator.onLine);
  return (
    <footer className="status-bar">
      <span data-testid="status-online">{online ? 'online' : 'offline'}</span>
      <span data-testid="status-isolated">{crossOriginIsolated ? 'isolated' : 'not isolated'}</span>
    </footer>
  );
}
