/**
 * Loads something from the server for a selection, again on every refresh
 * tick. While a refresh runs, what was loaded for the same selection stays
 * shown; a different selection shows nothing until its answer arrives. A
 * refused token goes back to the token form; other failures are a message.
 */
import { useEffect, useState } from 'react';
import { AuthError, type OpsApi } from '../api';
import { useSession } from '../session';
import { useLatest } from '../../app/hooks/use-latest';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  readonly loading: boolean;
}

interface State<T> {
  readonly selection?: string;
  readonly tick?: number | string;
  readonly data?: T;
  readonly error?: string;
}

export function useLoad<T>(load: (api: OpsApi) => Promise<T>, selection: string, tick: number | string): Loaded<T> {
  const { api, refused } = useSession();
  const [state, setState] = useState<State<T>>({});
  const loader = useLatest(load);
  const onRefused = useLatest(refused);
  useEffect(() => {
    let live = true;
    loader.current(api).then(
      (data) => {
        if (live) setState({ selection, tick, data });
      },
      (error: unknown) => {
        if (!live) return;
        if (error instanceof AuthError) onRefused.current(error);
        else
          setState((s) => ({
            selection,
            tick,
            data: s.selection === selection ? s.data : undefined,
            error: error instanceof Error ? error.message : String(error),
          }));
      },
    );
    return () => {
      live = false;
    };
  }, [api, selection, tick, loader, onRefused]);
  const current = state.selection === selection;
  return { data: current ? state.data : undefined, error: current ? state.error : undefined, loading: !current || state.tick !== tick };
}
