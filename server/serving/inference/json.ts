/** Helpers for parsed JSON request bodies: type checks, and quoting received values in error messages. */

/** A parsed JSON value that is an object (not null, not an array). */
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** How many characters of a received value an error message quotes. */
export const QUOTE_LENGTH = 60;

function describe(value: unknown): string {
  if (typeof value === 'string') return `string of ${value.length} characters`;
  if (Array.isArray(value)) return `array of ${value.length} element${value.length === 1 ? '' : 's'}`;
  if (isRecord(value)) {
    const keys = Object.keys(value).length;
    return `object with ${keys} key${keys === 1 ? '' : 's'}`;
  }
  return typeof value;
}

/**
 * A received value as an error message shows it: compact JSON of at most
 * `max` characters; when cut, "…" and the value's type and size follow. Only
 * as much of the value is visited as is shown, so a value nested thousands
 * deep or megabytes long costs no more than a short one.
 */
export function quoteValue(value: unknown, max = QUOTE_LENGTH): string {
  let out = '';
  /** Appends `text`, cut to what is left of `max`; false once nothing more fits. */
  const put = (text: string): boolean => {
    if (out.length + text.length <= max) {
      out += text;
      return true;
    }
    out += text.slice(0, max - out.length);
    return false;
  };
  const text = (s: string) => JSON.stringify(s.length > max ? s.slice(0, max) : s);
  // Every level writes at least one character before going deeper, so the recursion is at most `max` deep.
  const write = (v: unknown): boolean => {
    if (typeof v === 'string') return put(text(v));
    if (Array.isArray(v)) {
      if (!put('[')) return false;
      for (let i = 0; i < v.length; i++) if ((i > 0 && !put(',')) || !write(v[i])) return false;
      return put(']');
    }
    if (isRecord(v)) {
      if (!put('{')) return false;
      let first = true;
      for (const key of Object.keys(v)) {
        if ((!first && !put(',')) || !put(`${text(key)}:`) || !write(v[key])) return false;
        first = false;
      }
      return put('}');
    }
    return put(String(v));
  };
  return write(value) ? out : `${out}… (${describe(value)})`;
}

/** Field names as a message lists them: the first few, quoted and cut short, then how many more. */
export function quoteNames(names: readonly string[], shown = 5): string {
  const quoted = names.slice(0, shown).map((name) => quoteValue(name, 30));
  return names.length > shown ? `${quoted.join(', ')} and ${names.length - shown} more` : quoted.join(', ');
}
