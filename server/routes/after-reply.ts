/**
 * Work a route leaves for after its answer is sent (shadow runs): it starts
 * in the onResponse hook, so it never delays the answer, and never runs for
 * a request whose answer failed before it was queued.
 */
import type { FastifyInstance } from 'fastify';

/** Adds the hook to `app` (an encapsulated plugin); returns how a route queues work for after its reply. */
export function registerAfterReply(app: FastifyInstance): (request: object, task: () => void) => void {
  // Keyed by the request object itself: the hook is handed the same one the route was.
  const tasks = new WeakMap<object, () => void>();
  app.addHook('onResponse', async (request) => {
    const task = tasks.get(request);
    if (!task) return;
    tasks.delete(request);
    task();
  });
  return (request, task) => tasks.set(request, task);
}
