/**
 * Runs async tasks one after another. Notifications must be applied in the
 * order they were sent (a consumerPaused may follow a newConsumer whose
 * consume() is still running), and so must join, rejoin and publishing.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  push<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task, task);
    // The chain itself never rejects; the caller gets the task's own result.
    this.#tail = run.catch(() => undefined);
    return run;
  }
}
