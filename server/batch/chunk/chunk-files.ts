/**
 * A chunk's two output files and how they commit. Both are written under
 * temporary names; then the errors file is renamed into place, and the
 * predictions file last: a chunk is complete exactly when its predictions
 * file exists, so a job killed between the two renames redoes the chunk and
 * its errors file is replaced, never doubled.
 */
import { createReadStream } from 'node:fs';
import { open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { errorsFile, predictionsFile, tempFile } from '../job/spec';

export class ChunkWriter {
  private constructor(
    private readonly paths: { readonly predictions: string; readonly errors: string },
    private readonly predictions: FileHandle,
    private readonly errors: FileHandle,
  ) {}

  static async open(dir: string, index: number): Promise<ChunkWriter> {
    const paths = { predictions: join(dir, predictionsFile(index)), errors: join(dir, errorsFile(index)) };
    const predictions = await open(tempFile(paths.predictions), 'w');
    const errors = await open(tempFile(paths.errors), 'w').catch(async (error: unknown) => {
      await predictions.close();
      throw error;
    });
    return new ChunkWriter(paths, predictions, errors);
  }

  async write(predictions: string, errors: string): Promise<void> {
    if (predictions) await this.predictions.write(predictions);
    if (errors) await this.errors.write(errors);
  }

  /** Flushes both files to disk, then renames them into place: errors first, predictions last. */
  async commit(): Promise<void> {
    await Promise.all([this.predictions.sync(), this.errors.sync()]);
    await Promise.all([this.predictions.close(), this.errors.close()]);
    await rename(tempFile(this.paths.errors), this.paths.errors);
    await rename(tempFile(this.paths.predictions), this.paths.predictions);
  }

  /** Gives the chunk up: the temporary files go, nothing is renamed. */
  async abandon(): Promise<void> {
    await Promise.allSettled([this.predictions.close(), this.errors.close()]);
    await Promise.all([rm(tempFile(this.paths.predictions), { force: true }), rm(tempFile(this.paths.errors), { force: true })]);
  }
}

/** The chunks whose predictions file exists: complete, whatever job.json says. */
export async function completedChunks(dir: string): Promise<Set<number>> {
  const names = await readdir(dir);
  return new Set(names.flatMap((name) => /^predictions-(\d{5,})\.jsonl$/.exec(name)?.slice(1, 2).map(Number) ?? []));
}

/** Removes the temporary files a killed run left behind. */
export async function removeTempFiles(dir: string): Promise<void> {
  const names = await readdir(dir);
  await Promise.all(names.filter((name) => /^(predictions|errors)-\d{5,}\.jsonl\.tmp$/.test(name)).map((name) => rm(join(dir, name), { force: true })));
}

async function countLines(path: string): Promise<number> {
  let lines = 0;
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) lines++;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return lines;
}

/** The counts of a complete chunk, from its files (when a run was killed before job.json recorded them). */
export async function committedCounts(dir: string, index: number): Promise<{ successful: number; failed: number }> {
  const [successful, failed] = await Promise.all([countLines(join(dir, predictionsFile(index))), countLines(join(dir, errorsFile(index)))]);
  return { successful, failed };
}
