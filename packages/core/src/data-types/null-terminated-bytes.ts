import { InvalidMetadataError, InvalidValueError } from "../errors/errors.js";
import type { JsonObject, JsonValue } from "../json/json-value.js";
import { describe } from "../metadata/named-config.js";
import { copyBytes } from "../store/copy-bytes.js";
import { base64ToBytes, bytesToBase64 } from "./base64.js";
import type { DataType } from "./data-type.js";
import { lengthBytesOf } from "./length-bytes-config.js";

export const NULL_TERMINATED_BYTES = "null_terminated_bytes";
const MAX_LENGTH = 2147483647;

/**
 * NumPy's `S` dtype, as zarr-python names it in v3 (`null_terminated_bytes`, not yet in
 * zarr-extensions): `length_bytes` bytes per element, NUL-padded. Held as a Uint8Array
 * (`lanes` = `length_bytes`); a scalar is the element without its trailing NULs, as NumPy
 * gives it, so a value that ends in NULs loses them. Fill values are base64, as zarr-python
 * writes them in both formats.
 */
export function nullTerminatedBytes(lengthBytes: number): DataType<typeof NULL_TERMINATED_BYTES> {
  if (!Number.isSafeInteger(lengthBytes) || lengthBytes < 1 || lengthBytes > MAX_LENGTH)
    throw new InvalidMetadataError(
      `data_type "${NULL_TERMINATED_BYTES}": configuration.length_bytes must be an integer 1..${MAX_LENGTH}, got ${lengthBytes}`,
    );
  const padded = (value: Uint8Array, fail: (why: string) => never): Uint8Array => {
    if (value.length > lengthBytes) fail(`${value.length} bytes do not fit in ${lengthBytes}`);
    const out = new Uint8Array(lengthBytes);
    out.set(value);
    return out;
  };
  const trimmed = (element: Uint8Array): Uint8Array => {
    if (element.byteLength !== lengthBytes)
      throw new InvalidValueError(
        `element of ${NULL_TERMINATED_BYTES} must be ${lengthBytes} bytes, got ${element.byteLength}`,
      );
    let end = element.length;
    while (end > 0 && element[end - 1] === 0) end--;
    return copyBytes(element.subarray(0, end));
  };
  return {
    name: NULL_TERMINATED_BYTES,
    kind: "fixed_bytes",
    variableLength: false,
    itemSize: lengthBytes,
    lanes: lengthBytes,
    laneSize: 1,
    configuration: { length_bytes: lengthBytes },
    allocate: (count) => new Uint8Array(count * lengthBytes),
    view: (buffer, byteOffset, count) => new Uint8Array(buffer, byteOffset, count * lengthBytes),
    decodeFillValue(json: JsonValue) {
      const fail = (why: string): never => {
        throw new InvalidMetadataError(
          `fill_value ${describe(json)} is not valid for data type ${NULL_TERMINATED_BYTES}: ${why}`,
        );
      };
      const bytes = typeof json === "string" ? base64ToBytes(json) : undefined;
      if (bytes === undefined) return fail("expected base64 text");
      return padded(bytes, fail);
    },
    encodeFillValue: (element) => bytesToBase64(trimmed(element)),
    fromScalar(value) {
      const fail = (why: string): never => {
        throw new InvalidValueError(
          `value is not valid for data type ${NULL_TERMINATED_BYTES}: ${why}`,
        );
      };
      if (!(value instanceof Uint8Array)) return fail("expected a Uint8Array");
      return padded(value, fail);
    },
    toScalar: trimmed,
  };
}

/** Reads `{"length_bytes": N}`. */
export function nullTerminatedBytesFromConfig(configuration: JsonObject | undefined): DataType {
  return nullTerminatedBytes(lengthBytesOf(NULL_TERMINATED_BYTES, configuration));
}
