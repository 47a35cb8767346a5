import { InvalidSelectionError } from "../errors/errors.js";

/**
 * Normalises a node path: "" is the root; "/a/b/" becomes "a/b". Rejects ".", ".." and empty
 * segments so that a path can never reach outside its hierarchy.
 */
export function normalizeNodePath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, "");
  if (trimmed === "") return "";
  for (const segment of trimmed.split("/")) {
    if (segment === "" || segment === "." || segment === ".." || segment.includes("\\")) {
      throw new InvalidSelectionError(
        `invalid node path ${JSON.stringify(path)}: bad segment ${JSON.stringify(segment)}`,
        { path },
      );
    }
    if (segment.startsWith("__")) {
      throw new InvalidSelectionError(
        `invalid node path ${JSON.stringify(path)}: names starting with "__" are reserved`,
        { path },
      );
    }
  }
  return trimmed;
}

/** The store key of `name` inside the node at `path`. */
export function keyIn(path: string, name: string): string {
  return path === "" ? name : `${path}/${name}`;
}
