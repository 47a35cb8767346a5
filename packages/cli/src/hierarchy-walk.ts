import { type Context, open, type ZarrArray, type ZarrGroup } from "zarrkit";

export function childPath(parent: string, name: string): string {
  return parent === "" ? name : `${parent}/${name}`;
}

/** Where a node sits in a walk: its depth below the root, and what tree drawing needs. */
export interface WalkPosition {
  readonly level: number;
  /** Per ancestor between the root and the node: whether it has siblings still to come. */
  readonly open: readonly boolean[];
  /** Whether the node is its parent's last child. */
  readonly last: boolean;
}

/** Visits `root` and every node below it, depth first, children in name order. */
export async function walkHierarchy(
  root: ZarrArray | ZarrGroup,
  context: Context,
  visit: (node: ZarrArray | ZarrGroup, position: WalkPosition) => void | Promise<void>,
): Promise<void> {
  const go = async (node: ZarrArray | ZarrGroup, position: WalkPosition) => {
    await visit(node, position);
    if (node.kind !== "group") return;
    const children = (await node.children()).sort((a, b) => (a.name < b.name ? -1 : 1));
    const open_ = position.level === 0 ? [] : [...position.open, !position.last];
    for (const [i, child] of children.entries()) {
      const next = await open(node.store, childPath(node.path, child.name), { context });
      await go(next, { level: position.level + 1, open: open_, last: i === children.length - 1 });
    }
  };
  await go(root, { level: 0, open: [], last: true });
}
