/** A card's loading state and load error, said once where the card's figures would be. */
import type { Loaded } from '../hooks/use-load';

export function CardStatus({ loaded }: { readonly loaded: Loaded<unknown> }) {
  if (loaded.error)
    return (
      <p className="notice" role="alert">
        {loaded.error}
      </p>
    );
  if (loaded.loading && loaded.data === undefined)
    return (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  return null;
}
