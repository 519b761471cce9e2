/** Runs one task at a time, in call order: for a store that is a single session. */
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
