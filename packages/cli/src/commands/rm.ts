import { basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { type Context, deleteNode, isZarrkitError, NodeNotFoundError } from "zarrkit";
import { resolveLocation } from "../location.js";

/**
 * `zarrkit rm LOCATION`: deletes the array or group there, with everything below it. A node
 * in a local directory is deleted from its parent's store, so that its directory goes too.
 */
export async function rm(location: string, context: Context): Promise<void> {
  const local = localPath(location);
  const [where, path] =
    local !== undefined && basename(local) !== ""
      ? [dirname(local), basename(local)]
      : [location, ""];
  const { store, path: root } = await resolveLocation(where, context, { writable: true });
  const nodePath = root === "" ? path : path === "" ? root : `${root}/${path}`;
  try {
    await deleteNode(store, nodePath);
  } catch (err) {
    if (isZarrkitError(err, "NodeNotFound"))
      throw new NodeNotFoundError(`no Zarr node at ${location}`, { path: nodePath, cause: err });
    throw err;
  }
}

/** The filesystem path a location names, if it names one (a path or a file:// URL). */
function localPath(location: string): string | undefined {
  if (location.startsWith("file://")) return fileURLToPath(location);
  return /^[a-z][a-z0-9+.-]*:/i.test(location) ? undefined : location.replace(/\/+$/, "");
}
