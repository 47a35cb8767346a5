import type { ArrayFor, DataType } from "../data-types/data-type.js";
import { cOrderStride, elementCount, type NDArray } from "../ndarray.js";

/**
 * Element arrays that the parts of a selection are read into and copied out of, reused part
 * after part: fresh ones for a 1 MiB part each cost a selection of points across a 128 MiB
 * array ~80 ms of allocation and garbage collection on the calling thread. Each is as large as
 * the largest part it has held. Variable-length elements (JS arrays) are made anew each time.
 */
export class ScratchArrays<D extends string> {
  readonly #free: ArrayFor<D>[] = [];

  constructor(readonly dataType: DataType<D>) {}

  /** A C-order view of `shape` over an array of the pool. */
  take(shape: readonly number[]): NDArray<D> {
    const count = elementCount(shape);
    let data = this.dataType.variableLength ? undefined : this.#free.pop();
    // Smaller than this part: replaced by one that holds it.
    if (data === undefined || data.length < count * this.dataType.lanes)
      data = this.dataType.allocate(count);
    return { data, shape, stride: cOrderStride(shape), offset: 0, dataType: this.dataType };
  }

  /** Hands a view's array back once nothing reads it. */
  giveBack(view: NDArray<D>): void {
    if (!this.dataType.variableLength) this.#free.push(view.data);
  }
}
