// The store opened in a worker thread, as the server's store thread does, for
// the lock tests: posts "open" (or the error's message), and closes the store
// when told "close". Workers do not inherit the TypeScript loader: register it.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { openDatabase } = await import('../../server/db/open.ts');
try {
  const db = await openDatabase(workerData);
  parentPort.postMessage('open');
  parentPort.once('message', async () => {
    await db.close();
    parentPort.postMessage('closed');
  });
} catch (error) {
  parentPort.postMessage(`error: ${error.message}`);
}
