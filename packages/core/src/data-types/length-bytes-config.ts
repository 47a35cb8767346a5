import { InvalidMetadataError, UnsupportedFeatureError } from "../errors/errors.js";
import { isJsonObject, type JsonObject } from "../json/json-value.js";
import { describe } from "../metadata/named-config.js";

/**
 * `length_bytes` of a `{"length_bytes": N}` configuration (fixed-length string and byte types),
 * the only field allowed; the type checks its range.
 */
export function lengthBytesOf(typeName: string, configuration: JsonObject | undefined): number {
  const length = isJsonObject(configuration) ? configuration.length_bytes : undefined;
  if (typeof length !== "number")
    throw new InvalidMetadataError(
      `data_type "${typeName}" needs configuration.length_bytes, got ${describe(configuration ?? null)}`,
    );
  const extra = Object.keys(configuration ?? {}).filter((k) => k !== "length_bytes");
  if (extra.length > 0)
    throw new UnsupportedFeatureError(
      `data_type "${typeName}": unknown configuration field(s) ${extra.join(", ")}`,
    );
  return length;
}
