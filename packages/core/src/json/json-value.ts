/**
 * JSON as zarrkit reads it: integers beyond Number.MAX_SAFE_INTEGER are `bigint` so that
 * 64-bit fill values survive, and `-0` keeps its sign. See `lossless-json.ts`.
 */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
