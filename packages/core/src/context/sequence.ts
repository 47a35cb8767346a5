let last = 0;

/**
 * The next number of one process-wide count: orders events (an array opened, a shard index
 * read) without clocks, so a cache can tell what it read before or after an array was opened.
 */
export function nextSequence(): number {
  return ++last;
}
