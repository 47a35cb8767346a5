import type { ArrayFor, DataType } from "../data-types/data-type.js";
import { cOrderStride, elementCount, type NDArray } from "../ndarray.js";

/**
 * Element arrays of one size that the parts of a selection are read into and copied out of,
 * reused part after part: fresh ones for a 1 MiB part each cost a selection of points across a
 * 128 MiB array ~80 ms of allocation and garbage collection on the calling thread. Variable
 * length elements (JS arrays) are made anew each time.
 */
export class ScratchArrays<D extends string> {
  readonly #free: ArrayFor<D>[] = [];

  constructor(
    readonly dataType: DataType<D>,
    /** Elements of each array: as many as the largest part holds. */
    readonly size: number,
  ) {}

  /** A C-order view of `shape` over an array of the pool. */
  take(shape: readonly number[]): NDArray<D> {
    const reused = this.dataType.variableLength ? undefined : this.#free.pop();
    const count = elementCount(shape);
    const data =
      reused ??
      this.dataType.allocate(this.dataType.variableLength ? count : Math.max(count, this.size));
    return { data, shape, stride: cOrderStride(shape), offset: 0, dataType: this.dataType };
  }

  /** Hands a view's array back once nothing reads it. */
  giveBack(view: NDArray<D>): void {
    if (!this.dataType.variableLength) this.#free.push(view.data);
  }
}
