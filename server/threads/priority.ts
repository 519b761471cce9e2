/**
 * Lowers the calling thread's scheduling priority. Linux lets a thread set
 * its own nice value (by its thread id), and threads it starts afterwards
 * inherit it: background work (the evaluation store, batch jobs inside the
 * server) then takes the cycles online requests leave, instead of competing
 * with them. Elsewhere, or when not allowed, the thread keeps its priority.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The lowest priority: runs only on cycles nothing else wants. */
export const BACKGROUND_NICE = 19;

/** Returns whether the priority was set. */
export function lowerThreadPriority(nice: number = BACKGROUND_NICE): boolean {
  try {
    const thread = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(thread)) return false;
    setPriority(thread, nice);
    return true;
  } catch {
    return false;
  }
}
