/**
 * Files that appear whole or not at all: written under a temporary name,
 * flushed to disk, then renamed over the final name (rename is atomic within
 * a folder), so a reader or a resumed job never sees half a file, whatever
 * killed the writer.
 */
import { open, rename, rm } from 'node:fs/promises';
import { tempFile } from './spec';

/** Writes `text` to `path` atomically. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const temp = tempFile(path);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}

/** Removes a file if it is there. */
export const removeIfThere = (path: string) => rm(path, { force: true });
