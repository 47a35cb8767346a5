import {
  ConsolidatedStore,
  type Context,
  isZarrkitError,
  NodeNotFoundError,
  open,
  type Store,
  storeForLocation,
  type ZarrArray,
  type ZarrGroup,
} from "zarrkit";
import { UsageError } from "./usage-error.js";

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

/**
 * Opens the node at a LOCATION (of the given format, else v3 first, then v2); errors name the
 * location as the user wrote it.
 */
export async function openLocation(
  location: string,
  context: Context,
  kind: "array",
  zarrFormat?: 2 | 3,
): Promise<ZarrArray>;
export async function openLocation(
  location: string,
  context: Context,
  kind?: "node",
  zarrFormat?: 2 | 3,
): Promise<ZarrArray | ZarrGroup>;
export async function openLocation(
  location: string,
  context: Context,
  kind: "array" | "node" = "node",
  zarrFormat?: 2 | 3,
): Promise<ZarrArray | ZarrGroup> {
  const { store, path } = await resolveLocation(location, context, { writable: false });
  let node: ZarrArray | ZarrGroup;
  try {
    // A hierarchy with consolidated metadata opens from that one document.
    const consolidated = await ConsolidatedStore.open(store).catch(() => undefined);
    node = await open(consolidated ?? store, path, {
      context,
      ...(zarrFormat === undefined ? {} : { zarrFormat }),
    });
  } catch (err) {
    if (isZarrkitError(err, "NodeNotFound")) {
      const looked =
        zarrFormat === 3
          ? "zarr.json"
          : zarrFormat === 2
            ? ".zarray or .zgroup"
            : "zarr.json, .zarray or .zgroup";
      throw new NodeNotFoundError(`no Zarr node at ${location} (no ${looked})`, {
        path,
        cause: err,
      });
    }
    throw err;
  }
  if (kind === "array" && node.kind !== "array")
    throw new NodeNotFoundError(`${location} is a group, not an array`, { path });
  return node;
}

/** `--zarr-format` for commands that read: undefined (detect), 2 or 3. */
export function zarrFormatOption(value: string | undefined): 2 | 3 | undefined {
  if (value === undefined) return undefined;
  if (value === "2" || value === "3") return value === "2" ? 2 : 3;
  throw new UsageError(`--zarr-format must be 2 or 3, got ${value}`);
}
