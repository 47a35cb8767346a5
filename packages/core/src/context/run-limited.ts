import { throwIfAborted } from "../errors/errors.js";

/**
 * Runs `task` for every item with at most `limit` in flight, started in the items' order. Stops
 * starting new tasks after the first failure (or abort) and rejects with it once the running
 * ones have settled, so that no task is left writing behind the caller's back.
 */
export async function runLimited<T>(
  items: Iterable<T>,
  limit: number,
  task: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  const most = Math.max(1, limit);
  let failure: { error: unknown } | undefined;
  // Workers start one at a time, each once the one before has an item: a read of one chunk
  // (400 tiles at once, say) makes one, not `limit` of them.
  const workers: Promise<void>[] = [];
  let started = 1;
  const worker = async (): Promise<void> => {
    while (failure === undefined) {
      if (signal?.aborted) {
        try {
          throwIfAborted(signal);
        } catch (error) {
          failure ??= { error };
        }
        return;
      }
      const next = iterator.next();
      if (next.done) return;
      let running: Promise<void>;
      try {
        running = task(next.value);
      } catch (error) {
        running = Promise.reject(error);
      }
      if (started < most) {
        started++;
        workers.push(worker());
      }
      try {
        await running;
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  workers.push(worker());
  // The list grows while the first ones run; none rejects (failures are kept above).
  for (let i = 0; i < workers.length; i++) await workers[i];
  if (failure !== undefined) throw failure.error;
}
