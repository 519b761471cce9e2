/**
 * The update prompt. Registers the service worker once `start` is true. When
 * a new deployment (app or model) has installed and waits, offers to switch:
 * the waiting worker takes over and the page reloads into the new version.
 */
import { useEffect, useState } from 'react';
import { Workbox } from 'workbox-window';
import './UpdatePrompt.css';

export function UpdatePrompt({ start }: { readonly start: boolean }) {
  const [waiting, setWaiting] = useState<Workbox>();
  useEffect(() => {
    if (!start || !('serviceWorker' in navigator) || import.meta.env.DEV) return;
    const workbox = new Workbox('/sw.js', { scope: '/' });
    workbox.addEventListener('waiting', () => setWaiting(workbox));
    workbox.addEventListener('controlling', (event) => {
      if (event.isUpdate) window.location.reload();
    });
    void workbox.register();
    // Look for a new deployment when the app comes back to the foreground, not only on navigation.
    const check = () => document.visibilityState === 'visible' && void workbox.update();
    document.addEventListener('visibilitychange', check);
    return () => document.removeEventListener('visibilitychange', check);
  }, [start]);
  if (!waiting) return null;
  return (
    <div className="update-prompt" role="alert">
      <span>A new version is ready.</span>
      <button type="button" className="button small" data-testid="update-available" onClick={() => waiting.messageSkipWaiting()}>
        Update and reload
      </button>
    </div>
  );
}
