import { throwIfAborted } from "../errors/errors.js";

/**
 * Runs `task` for every item with at most `limit` in flight. Stops starting new tasks after the
 * first failure (or abort) and rejects with it once the running ones have settled, so that no
 * task is left writing behind the caller's back.
 */
export async function runLimited<T>(
  items: Iterable<T>,
  limit: number,
  task: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let failure: { error: unknown } | undefined;
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
      try {
        await task(next.value);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.max(1, limit); i++) workers.push(worker());
  await Promise.all(workers);
  if (failure !== undefined) throw failure.error;
}
