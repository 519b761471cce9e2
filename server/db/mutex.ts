/**
 * Runs one task at a time, in call order; a failed one does not stop the next: a store that is a single
 * session, the registry's loads, the deployments' changes.
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  async run<T>(task: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let done!: () => void;
    this.tail = new Promise((resolve) => (done = resolve));
    await previous;
    try {
      return await task();
    } finally {
      done();
    }
  }
}
