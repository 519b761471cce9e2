/** Atomic files for batch jobs (tools/fs/write-atomic.ts), and removal of a file that may be gone. */
import { rm } from 'node:fs/promises';

export { writeAtomic } from '../../../tools/fs/write-atomic';

/** Removes a file if it is there. */
export const removeIfThere = (path: string) => rm(path, { force: true });
