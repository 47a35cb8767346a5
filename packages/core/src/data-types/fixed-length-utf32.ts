import { InvalidMetadataError, InvalidValueError } from "../errors/errors.js";
import type { JsonObject, JsonValue } from "../json/json-value.js";
import { describe } from "../metadata/named-config.js";
import type { DataType } from "./data-type.js";
import { lengthBytesOf } from "./length-bytes-config.js";

export const FIXED_LENGTH_UTF32 = "fixed_length_utf32";

/**
 * zarr-extensions' `fixed_length_utf32` (NumPy's `<U`): every element is `length_bytes / 4`
 * UTF-32 code points, zero-padded. Held as a Uint32Array of code points (`lanes` per element);
 * scalars are JS strings without the padding.
 */
export function fixedLengthUtf32(lengthBytes: number): DataType {
  if (
    !Number.isSafeInteger(lengthBytes) ||
    lengthBytes <= 0 ||
    lengthBytes % 4 !== 0 ||
    lengthBytes > 2147483644
  )
    throw new InvalidMetadataError(
      `data_type "${FIXED_LENGTH_UTF32}": configuration.length_bytes must be a positive multiple of 4 up to 2147483644, got ${lengthBytes}`,
    );
  const lanes = lengthBytes / 4;
  const fromString = (text: string, fail: (why: string) => never): Uint8Array => {
    const points = Array.from(text, (c) => c.codePointAt(0)!);
    if (points.length > lanes)
      fail(`"${text}" has ${points.length} code points; the type holds ${lanes}`);
    if (points.includes(0))
      fail("a string with a NUL code point cannot round-trip (NUL is padding)");
    const out = new Uint8Array(lengthBytes);
    const view = new DataView(out.buffer);
    points.forEach((p, i) => {
      view.setUint32(i * 4, p, true);
    });
    return out;
  };
  const textOf = (element: Uint8Array): string => {
    const view = new DataView(element.buffer, element.byteOffset, element.byteLength);
    let text = "";
    for (let i = 0; i < lanes; i++) {
      const p = view.getUint32(i * 4, true);
      if (p === 0) break;
      text += p <= 0x10ffff ? String.fromCodePoint(p) : "\ufffd";
    }
    return text;
  };
  return {
    name: FIXED_LENGTH_UTF32,
    kind: "fixed_string",
    variableLength: false,
    itemSize: lengthBytes,
    lanes,
    laneSize: 4,
    configuration: { length_bytes: lengthBytes },
    allocate: (count) => new Uint32Array(count * lanes),
    view: (buffer, byteOffset, count) => new Uint32Array(buffer, byteOffset, count * lanes),
    decodeFillValue(json: JsonValue) {
      const fail = (why: string): never => {
        throw new InvalidMetadataError(
          `fill_value ${describe(json)} is not valid for data type ${FIXED_LENGTH_UTF32}: ${why}`,
        );
      };
      if (typeof json !== "string") return fail("expected a string");
      return fromString(json, fail);
    },
    encodeFillValue: (element) => textOf(element),
    fromScalar(value) {
      const fail = (why: string): never => {
        throw new InvalidValueError(
          `value is not valid for data type ${FIXED_LENGTH_UTF32}: ${why}`,
        );
      };
      if (typeof value !== "string") return fail("expected a string");
      return fromString(value, fail);
    },
    toScalar: (element) => textOf(element),
  };
}

/** Reads `{"length_bytes": N}`. */
export function fixedLengthUtf32FromConfig(configuration: JsonObject | undefined): DataType {
  return fixedLengthUtf32(lengthBytesOf(FIXED_LENGTH_UTF32, configuration));
}
