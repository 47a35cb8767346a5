/**
 * The immediate children of `prefix` among `keys` (every key below it): the keys directly in it
 * and the sub-prefixes ("name/"), each sorted. Stores that list flat keys share this.
 */
export function childrenOf(
  keys: Iterable<string>,
  prefix: string,
): { keys: string[]; prefixes: string[] } {
  const direct = new Set<string>();
  const prefixes = new Set<string>();
  for (const key of keys) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash === -1) direct.add(rest);
    else prefixes.add(rest.slice(0, slash + 1));
  }
  return { keys: [...direct].sort(), prefixes: [...prefixes].sort() };
}
