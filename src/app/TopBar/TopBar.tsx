/** The bar at the top of the page: the app's name, then whatever the page puts at its end (connection, about). */
import type { ReactNode } from 'react';
import './TopBar.css';

export function TopBar({ children }: { readonly children?: ReactNode }) {
  return (
    <header className="top-bar">
      <div className="brand">
        <h1>Digits</h1>
        <p className="muted small tagline">Draw a digit; this device reads it at once.</p>
      </div>
      <div className="top-actions">{children}</div>
    </header>
  );
}
