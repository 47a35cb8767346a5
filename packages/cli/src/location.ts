import {
  type Context,
  isZarrkitError,
  NodeNotFoundError,
  open,
  type Store,
  storeForLocation,
  type ZarrArray,
  type ZarrGroup,
} from "zarrkit";

/** Where a LOCATION (CONTRACTS.md, "Locations") leads: a store rooted at the node. */
export interface ResolvedLocation {
  readonly store: Store;
  /** The node's path inside `store` ("" when the store is rooted at the node itself). */
  readonly path: string;
}

export async function resolveLocation(
  location: string,
  context: Context,
  options: { writable: boolean },
): Promise<ResolvedLocation> {
  return { store: await storeForLocation(location, context, options), path: "" };
}

/** Opens the node at a LOCATION; errors name the location as the user wrote it. */
export async function openLocation(
  location: string,
  context: Context,
  kind: "array",
): Promise<ZarrArray>;
export async function openLocation(
  location: string,
  context: Context,
  kind?: "node",
): Promise<ZarrArray | ZarrGroup>;
export async function openLocation(
  location: string,
  context: Context,
  kind: "array" | "node" = "node",
): Promise<ZarrArray | ZarrGroup> {
  const { store, path } = await resolveLocation(location, context, { writable: false });
  let node: ZarrArray | ZarrGroup;
  try {
    node = await open(store, path, { context });
  } catch (err) {
    if (isZarrkitError(err, "NodeNotFound"))
      throw new NodeNotFoundError(`no Zarr node at ${location} (no zarr.json)`, {
        path,
        cause: err,
      });
    throw err;
  }
  if (kind === "array" && node.kind !== "array")
    throw new NodeNotFoundError(`${location} is a group, not an array`, { path });
  return node;
}
