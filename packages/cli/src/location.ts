import { type Context, type Store, storeForLocation } from "zarrkit";

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
