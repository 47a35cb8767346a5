import { StoreError } from "../errors/errors.js";

/**
 * Checks that a store key is relative and normalised: no leading "/", no empty, "." or ".."
 * segments, no backslashes or NUL. Stores that map keys to paths rely on this to stay inside
 * their root.
 */
export function assertValidKey(key: string): void {
  const problem = keyProblem(key);
  if (problem !== undefined)
    throw new StoreError(`invalid store key ${JSON.stringify(key)}: ${problem}`, { key });
}

function keyProblem(key: string): string | undefined {
  if (key.length === 0) return "empty key";
  if (key.startsWith("/")) return "absolute keys are not allowed";
  if (key.includes("\\")) return "backslashes are not allowed";
  if (key.includes("\0")) return "NUL is not allowed";
  if (/^[A-Za-z]:/.test(key)) return "drive letters are not allowed";
  for (const segment of key.split("/")) {
    if (segment === "") return "empty path segments are not allowed";
    if (segment === "." || segment === "..") return `"${segment}" segments are not allowed`;
  }
  return undefined;
}

/** Like assertValidKey for a prefix that may be "" or end in "/". */
export function assertValidPrefix(prefix: string): void {
  if (prefix === "") return;
  assertValidKey(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix);
}
