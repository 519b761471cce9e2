/**
 * The admin token, kept for the browser session only (sessionStorage): asked
 * once, forgotten when the tab closes or the server refuses it.
 */
const KEY = 'ops-admin-token';

export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string): void {
  try {
    sessionStorage.setItem(KEY, token);
  } catch {
    // Storage refused (a private mode): the token lives in memory for this page only.
  }
}

export function forgetToken(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing was stored.
  }
}
