export type * from "./chunk-grids/chunk-grid.js";
export {
  rectilinearChunkGrid,
  rectilinearChunkGridExtension,
} from "./chunk-grids/rectilinear-chunk-grid.js";
export { regularChunkGrid, regularChunkGridExtension } from "./chunk-grids/regular-chunk-grid.js";
export type * from "./chunk-key-encodings/chunk-key-encoding.js";
export {
  defaultChunkKeyEncoding,
  defaultChunkKeyEncodingExtension,
} from "./chunk-key-encodings/default-chunk-key-encoding.js";
export {
  v2ChunkKeyEncoding,
  v2ChunkKeyEncodingExtension,
} from "./chunk-key-encodings/v2-chunk-key-encoding.js";
export type * from "./codecs/codec.js";
export { CodecPipeline } from "./codecs/codec-pipeline.js";
export type { BytesChainJob, CodecRunner } from "./codecs/codec-runner.js";
export {
  answerCodecRequest,
  BytesChainExecutor,
  bytesToPost,
  type CodecWorkerReply,
  type CodecWorkerRequest,
  type CodecWorkerStatus,
  errorFromReply,
  PendingReplies,
} from "./codecs/codec-worker-protocol.js";
export {
  serveCodecWorker,
  type WebWorkerLike,
  WebWorkerPool,
  type WebWorkerPoolOptions,
  type WorkerScopeLike,
} from "./codecs/web-worker-pool.js";
export { CacheFreshness, cacheFreshness } from "./context/cache-freshness.js";
export {
  type Allocator,
  type Context,
  type ContextOptions,
  chunkCacheKey,
  createContext,
  defaultContext,
  type ReleaseEncoded,
} from "./context/context.js";
export { LruCache } from "./context/lru-cache.js";
export { runLimited } from "./context/run-limited.js";
export { nextSequence } from "./context/sequence.js";
export { coreExtension } from "./core-extension.js";
export * from "./data-types/byte-order.js";
export * from "./data-types/core-data-types.js";
export * from "./data-types/data-type.js";
export * from "./data-types/datetime64-dates.js";
export * from "./data-types/float16.js";
export { lowPrecisionDataType } from "./data-types/low-precision-data-types.js";
export * from "./data-types/null-terminated-bytes.js";
export * from "./data-types/numpy-dtype.js";
export * from "./data-types/numpy-time-data-types.js";
export * from "./data-types/small-float-format.js";
export * from "./data-types/struct-data-type.js";
export * from "./data-types/value-bits.js";
export {
  bytesDataType,
  decodeUtf8,
  encodeUtf8,
  stringDataType,
} from "./data-types/variable-length-data-types.js";
export * from "./errors/errors.js";
export { fillChunk, isAllElement } from "./hierarchy/chunk-values.js";
export {
  type CreateArrayOptions,
  type CreateGroupOptions,
  createArray,
  createGroup,
  type OpenOptions,
  open,
  openArray,
  openGroup,
  type V2CreateOptions,
} from "./hierarchy/create-and-open.js";
export { defaultChunkShape } from "./hierarchy/default-chunk-shape.js";
export { deleteNode } from "./hierarchy/delete-node.js";
export {
  readStoredNode,
  type StoredNode,
  storedNodeType,
} from "./hierarchy/node-metadata-io.js";
export { normalizeNodePath } from "./hierarchy/node-path.js";
export {
  codecForNumcodecsId,
  codecFromV2,
  fillValueToV2,
  type V2Encoding,
  v2DtypeOf,
  v2ToV3ArrayMetadata,
  v3ToV2Encoding,
} from "./hierarchy/v2-conversion.js";
export {
  type ArrayOptions,
  type GetOptions,
  type SetOptions,
  type SetValue,
  ZarrArray,
} from "./hierarchy/zarr-array.js";
export { type ChildEntry, ZarrGroup } from "./hierarchy/zarr-group.js";
export {
  expandRuns,
  joinedParts,
  type RunLayout,
  regionLayout,
  type StridedRuns,
  stridedByteRuns,
  stridedRunsLength,
} from "./indexing/byte-runs.js";
export {
  type ChunkProjection,
  chunkProjections,
  type DimProjection,
  projectDimension,
  walksForward,
  wholeChunkView,
} from "./indexing/chunk-projection.js";
export type {
  CoordinateSelection,
  MaskSelection,
} from "./indexing/coordinate-selection.js";
export {
  type IndexList,
  normalizeOrthogonalSelection,
  type OrthogonalDimIndexer,
  type OrthogonalSelection,
  type OrthogonalSelectionItem,
  parseOrthogonalSelection,
} from "./indexing/orthogonal-selection.js";
export {
  type DimIndexer,
  normalizeSelection,
  parseSelection,
  type Selection,
  type SelectionItem,
  type Slice,
  slice,
} from "./indexing/selection.js";
export { type StridedView, stridedCopy } from "./indexing/strided-copy.js";
export type { JsonObject, JsonValue } from "./json/json-value.js";
export { isJsonObject } from "./json/json-value.js";
export { parseJson, stringifyJson } from "./json/lossless-json.js";
export type { ArrayMetadata, GroupMetadata, NodeMetadata } from "./metadata/array-metadata.js";
export { nodeMetadataToJson, parseNodeMetadata } from "./metadata/array-metadata.js";
export type { NamedConfig, NamedConfigJson } from "./metadata/named-config.js";
export { namedConfigToJson, parseNamedConfig } from "./metadata/named-config.js";
export {
  parseV2ArrayMetadata,
  type V2ArrayMetadata,
  type V2Dtype,
  type V2Field,
  v2ArrayMetadataToJson,
  v2DtypeJson,
} from "./metadata/v2-metadata.js";
export * from "./ndarray.js";
export type * from "./registry/extension.js";
export { extensionObjects } from "./registry/extension.js";
export {
  createRegistry,
  type RegisterOptions,
  Registry,
  type Unregister,
} from "./registry/registry.js";
export { resolveRange, sliceRange } from "./store/byte-range.js";
export { copyBytes } from "./store/copy-bytes.js";
export { childrenOf } from "./store/list-dir.js";
export { MemoryStore } from "./store/memory-store.js";
export * from "./store/store.js";
export { assertValidKey, assertValidPrefix } from "./store/store-key.js";
