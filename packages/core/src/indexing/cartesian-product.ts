/** Every combination of one item from each list, the last list varying fastest (C order). */
export function* cartesianProduct<T>(lists: readonly (readonly T[])[]): Generator<T[]> {
  if (lists.some((list) => list.length === 0)) return;
  const rank = lists.length;
  const at = new Array<number>(rank).fill(0);
  while (true) {
    yield at.map((i, d) => lists[d]![i]!);
    let d = rank - 1;
    while (d >= 0) {
      at[d]!++;
      if (at[d]! < lists[d]!.length) break;
      at[d] = 0;
      d--;
    }
    if (d < 0) return;
  }
}
