import type { ChunkGrid } from "../chunk-grids/chunk-grid.js";
import type { ChunkSpec } from "../codecs/codec.js";
import { CodecPipeline } from "../codecs/codec-pipeline.js";
import type { CodecRunner } from "../codecs/codec-runner.js";
import type { NamedConfig } from "../metadata/named-config.js";
import type { Registry } from "../registry/registry.js";

/** A chunk's shape (as stored: edge chunks whole) and the codec pipeline resolved for it. */
export interface ChunkLayout {
  readonly shape: readonly number[];
  readonly pipeline: CodecPipeline;
}

/**
 * Up to this many distinct chunk shapes, an irregular grid's pipelines are all resolved when the
 * array is opened (so that a codec that does not fit a shape fails then); beyond it, each when
 * a chunk of its shape is first read or written, the most recent MAX_CHUNK_SHAPES kept.
 */
const MAX_CHUNK_SHAPES = 1024;

type Resolver = (shape: readonly number[]) => Promise<CodecPipeline>;

/**
 * The layouts of a grid's chunks: one for a regular grid; one per distinct chunk shape for
 * others (rectilinear). Codecs are resolved for a shape (sharding checks that its inner chunks
 * tile it, `bytes` sizes the chunk).
 */
export class ChunkLayouts {
  /** The one layout of a regular grid; undefined for others. */
  readonly regular: ChunkLayout | undefined;
  /** A pipeline for what is the same for every chunk (the codecs' configurations, kinds). */
  readonly representative: CodecPipeline;
  /** Elements of the largest chunk. */
  readonly maxElements: number;
  readonly #grid: ChunkGrid;
  readonly #byShape: Map<string, ChunkLayout | Promise<ChunkLayout>>;
  readonly #resolve: Resolver;

  private constructor(
    grid: ChunkGrid,
    byShape: Map<string, ChunkLayout>,
    maxElements: number,
    resolve: Resolver,
  ) {
    this.#grid = grid;
    this.#byShape = byShape;
    this.#resolve = resolve;
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
    const resolve: Resolver = (shape) =>
      CodecPipeline.create(codecs, { ...spec, shape }, registry, path, runner);
    const regular = grid.regularChunkShape;
    if (regular !== undefined) {
      // The common case, kept short: it is on the way of every array's first read.
      const layout = { shape: regular, pipeline: await resolve(regular) };
      const count = regular.reduce((a, b) => a * b, 1);
      return new ChunkLayouts(grid, new Map([["", layout]]), count, resolve);
    }
    const sizes = grid.dimensions.map((d) => d.chunkSizes());
    const count = sizes.reduce((n, s) => n * s.length, 1);
    // Every shape when there are few; else the first (what is the same for every chunk).
    const shapes =
      count <= MAX_CHUNK_SHAPES
        ? sizes.reduce<number[][]>(
            (acc, options) => acc.flatMap((prefix) => options.map((n) => [...prefix, n])),
            [[]],
          )
        : [sizes.map((s) => s[0]!)];
    const byShape = new Map<string, ChunkLayout>();
    for (const shape of shapes)
      byShape.set(shape.join(","), { shape, pipeline: await resolve(shape) });
    const maxElements = sizes.reduce((n, s) => n * Math.max(...s), 1);
    return new ChunkLayouts(grid, byShape, maxElements, resolve);
  }

  /**
   * The layout of the chunk at grid coordinates `coords` (callers on hot paths take `regular`
   * first: it needs no wait).
   */
  async of(coords: readonly number[]): Promise<ChunkLayout> {
    if (this.regular !== undefined) return this.regular;
    const dims = this.#grid.dimensions;
    const shape = coords.map((c, d) => dims[d]!.chunkSize(c));
    const key = shape.join(",");
    const known = this.#byShape.get(key);
    if (known !== undefined) return known;
    const resolving = this.#resolve(shape).then((pipeline) => ({ shape, pipeline }));
    if (this.#byShape.size >= MAX_CHUNK_SHAPES) {
      const oldest = this.#byShape.keys().next().value;
      if (oldest !== undefined) this.#byShape.delete(oldest);
    }
    this.#byShape.set(key, resolving);
    // A failed resolution is not kept: the next chunk of the shape tries again (and fails alike).
    resolving.catch(() => this.#byShape.delete(key));
    return resolving;
  }
}
