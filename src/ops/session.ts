/**
 * What every part of the dashboard needs: the API client with the session's
 * token, and the way back to the token form when the server refuses it.
 */
import { createContext, useContext } from 'react';
import type { AuthError, OpsApi } from './api';

export interface OpsSession {
  readonly api: OpsApi;
  readonly refused: (error: AuthError) => void;
}

export const SessionContext = createContext<OpsSession | null>(null);

export function useSession(): OpsSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('the dashboard is rendered outside its session');
  return session;
}
