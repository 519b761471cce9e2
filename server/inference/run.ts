import { BatcherClosedError, DeadlineError, QueueFullError } from '../batching/batcher';
import { overloaded, unavailable } from '../http/errors';
import type { LoadedModel } from '../repository/loaded-model';

/** Runs rows through the model's batcher; a full queue is 429, a missed deadline or shutdown 503. */
export async function inferRows(model: LoadedModel, input: Float32Array, rows: number, timeoutMs: number): Promise<Float32Array> {
  try {
    return await model.batcher.submit(input, rows, timeoutMs);
  } catch (error) {
    if (error instanceof QueueFullError) throw overloaded(error.message);
    if (error instanceof DeadlineError || error instanceof BatcherClosedError) throw unavailable(error.message);
    throw error;
  }
}
