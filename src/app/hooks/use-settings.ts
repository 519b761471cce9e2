/** The user's settings, kept in localStorage; stored values that no longer parse fall back field by field. */
import { useCallback, useState } from 'react';
import { parseSettings, type Settings } from '../../core/policy/settings';

const KEY = 'digits-settings';

function load(): Settings {
  try {
    return parseSettings(JSON.parse(localStorage.getItem(KEY) ?? 'null'));
  } catch {
    return parseSettings(undefined);
  }
}

export function useSettings(): [Settings, (next: Settings) => void] {
  const [settings, setSettings] = useState(load);
  const update = useCallback((next: Settings) => {
    localStorage.setItem(KEY, JSON.stringify(next));
    setSettings(next);
  }, []);
  return [settings, update];
}
