import type { ChunkGrid } from "../chunk-grids/chunk-grid.js";
import type { ChunkSpec } from "../codecs/codec.js";
import { CodecPipeline } from "../codecs/codec-pipeline.js";
import type { CodecRunner } from "../codecs/codec-runner.js";
import { UnsupportedFeatureError } from "../errors/errors.js";
import type { NamedConfig } from "../metadata/named-config.js";
import type { Registry } from "../registry/registry.js";

/** A chunk's shape (as stored: edge chunks whole) and the codec pipeline resolved for it. */
export interface ChunkLayout {
  readonly shape: readonly number[];
  readonly pipeline: CodecPipeline;
}

/**
 * Beyond this many distinct chunk shapes an irregular grid is refused: each shape resolves its
 * own pipeline (codecs are built for a shape: sharding checks that its inner chunks tile it).
 */
const MAX_CHUNK_SHAPES = 1024;

/**
 * The layouts of a grid's chunks: one for a regular grid; one per distinct chunk shape for
 * others (rectilinear), resolved when the array is opened so that every read and write finds
 * its chunk's pipeline without waiting.
 */
export class ChunkLayouts {
  /** The one layout of a regular grid; undefined for others. */
  readonly regular: ChunkLayout | undefined;
  /** A pipeline for what is the same for every chunk (the codecs' configurations, kinds). */
  readonly representative: CodecPipeline;
  /** Elements of the largest chunk. */
  readonly maxElements: number;
  readonly #grid: ChunkGrid;
  readonly #byShape: ReadonlyMap<string, ChunkLayout>;

  private constructor(
    grid: ChunkGrid,
    byShape: ReadonlyMap<string, ChunkLayout>,
    maxElements: number,
  ) {
    this.#grid = grid;
    this.#byShape = byShape;
    this.maxElements = maxElements;
    const first = byShape.values().next().value;
    if (first === undefined) throw new TypeError("a grid has at least one chunk shape");
    this.representative = first.pipeline;
    this.regular = grid.regularChunkShape === undefined ? undefined : first;
  }

  static async resolve(
    grid: ChunkGrid,
    codecs: readonly NamedConfig[],
    spec: Omit<ChunkSpec, "shape">,
    registry: Registry,
    path: string,
    runner: CodecRunner | undefined,
  ): Promise<ChunkLayouts> {
    const sizes =
      grid.regularChunkShape?.map((n) => [n]) ?? grid.dimensions.map((d) => d.chunkSizes());
    const count = sizes.reduce((n, s) => n * s.length, 1);
    if (count > MAX_CHUNK_SHAPES)
      throw new UnsupportedFeatureError(
        `array "${path}": chunk grid "${grid.name}" has ${count} distinct chunk shapes; zarrkit resolves codecs for at most ${MAX_CHUNK_SHAPES}`,
        { path },
      );
    const shapes = sizes.reduce<number[][]>(
      (acc, options) => acc.flatMap((prefix) => options.map((n) => [...prefix, n])),
      [[]],
    );
    const byShape = new Map<string, ChunkLayout>();
    let maxElements = 0;
    for (const shape of shapes) {
      const pipeline = await CodecPipeline.create(
        codecs,
        { ...spec, shape },
        registry,
        path,
        runner,
      );
      byShape.set(shape.join(","), { shape, pipeline });
      maxElements = Math.max(
        maxElements,
        shape.reduce((a, b) => a * b, 1),
      );
    }
    return new ChunkLayouts(grid, byShape, maxElements);
  }

  /** The layout of the chunk at grid coordinates `coords`. */
  of(coords: readonly number[]): ChunkLayout {
    if (this.regular !== undefined) return this.regular;
    const dims = this.#grid.dimensions;
    const key = coords.map((c, d) => dims[d]!.chunkSize(c)).join(",");
    const layout = this.#byShape.get(key);
    if (layout === undefined) throw new TypeError(`no layout for chunk shape [${key}]`);
    return layout;
  }
}
