export * from "./errors/errors.js";
export type { JsonObject, JsonValue } from "./json/json-value.js";
export * from "./data-types/data-type.js";
export * from "./ndarray.js";
export * from "./store/store.js";
export { MemoryStore } from "./store/memory-store.js";
export { assertValidKey, assertValidPrefix } from "./store/store-key.js";
export { resolveRange, sliceRange } from "./store/byte-range.js";
