/**
 * The update prompt. Registers the service worker once `start` is true. When
 * a new deployment (app or model) has installed and waits, offers to switch:
 * the waiting worker takes over and the page reloads into the new version.
 * Updates are looked for on each navigation and when the app returns to the
 * foreground.
 */
import { useEffect, useRef, useState } from 'react';
import { Workbox } from 'workbox-window';
import './UpdatePrompt.css';

export function UpdatePrompt({ start }: { readonly start: boolean }) {
  const [waiting, setWaiting] = useState<Workbox>();
  const accepted = useRef(false);
  useEffect(() => {
    if (!start || !('serviceWorker' in navigator) || import.meta.env.DEV) return;
    const workbox = new Workbox('/sw.js', { scope: '/' });
    workbox.addEventListener('waiting', () => setWaiting(workbox));
    // Workbox calls an update `isUpdate` only if a worker controlled the page when it registered; a worker
    // found later on a first visit's page (a promoted model, found on returning to the foreground) is
    // "external", so the user's acceptance is what tells this page to reload.
    workbox.addEventListener('controlling', (event) => {
      if (event.isUpdate || accepted.current) window.location.reload();
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
      <button
        type="button"
        className="button small"
        data-testid="update-available"
        onClick={() => {
          accepted.current = true;
          waiting.messageSkipWaiting();
        }}
      >
        Update and reload
      </button>
    </div>
  );
}
