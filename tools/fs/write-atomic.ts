/**
 * Files that appear whole or not at all: written under a temporary name
 * (`<name>.tmp`), flushed to disk, then renamed over the final name (rename
 * is atomic within a folder), so a reader never sees half a file, whatever
 * killed the writer: a batch job's records, the model registry's manifest.
 */
import { open, rename } from 'node:fs/promises';

/** Writes `text` to `path` atomically. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}
