import {
  InvalidMetadataError,
  InvalidValueError,
  UnsupportedFeatureError,
} from "../errors/errors.js";
import type { JsonValue } from "../json/json-value.js";
import { describe } from "../metadata/named-config.js";
import { copyBytes } from "../store/copy-bytes.js";
import { base64ToBytes, bytesToBase64 } from "./base64.js";
import type { DataType } from "./data-type.js";

const utf8Encoder = new TextEncoder();
// fatal: bytes that are not UTF-8 are a corrupt chunk or a bad fill value, never U+FFFD.
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Decodes UTF-8 strictly; undefined for invalid input. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

export function encodeUtf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

function notAView(name: string): never {
  throw new UnsupportedFeatureError(
    `data type ${name} has variable-length elements; it has no fixed-size memory view`,
  );
}

const EMPTY = new Uint8Array(0);

/** The zarr-extensions `string` data type: UTF-8 text, held as JS strings. */
export const stringDataType: DataType<"string"> = {
  name: "string",
  kind: "string",
  variableLength: true,
  itemSize: 0,
  lanes: 1,
  laneSize: 1,
  allocate: (count) => new Array<string>(count).fill(""),
  view: () => notAView("string"),
  decodeFillValue(json: JsonValue) {
    if (typeof json !== "string")
      throw new InvalidMetadataError(
        `fill_value ${describe(json)} is not valid for data type string: expected a string`,
      );
    return encodeUtf8(json);
  },
  encodeFillValue(element) {
    const text = decodeUtf8(element);
    if (text === undefined) throw new InvalidValueError("element of string is not valid UTF-8");
    return text;
  },
  fromScalar(value) {
    if (typeof value !== "string")
      throw new InvalidValueError(
        `value ${typeof value === "bigint" ? `${value}n` : String(value)} is not valid for data type string: expected a string`,
      );
    return encodeUtf8(value);
  },
  toScalar(element) {
    const text = decodeUtf8(element);
    if (text === undefined) throw new InvalidValueError("element of string is not valid UTF-8");
    return text;
  },
};

/** The zarr-extensions `bytes` data type: byte strings, held as Uint8Arrays. */
export const bytesDataType: DataType<"bytes"> = {
  name: "bytes",
  kind: "bytes",
  variableLength: true,
  itemSize: 0,
  lanes: 1,
  laneSize: 1,
  allocate: (count) => new Array<Uint8Array>(count).fill(EMPTY),
  view: () => notAView("bytes"),
  decodeFillValue(json: JsonValue) {
    // zarr-python writes base64; a list of byte values is accepted as for raw types.
    if (typeof json === "string") {
      const bytes = base64ToBytes(json);
      if (bytes !== undefined) return bytes;
    }
    if (Array.isArray(json)) {
      const out = new Uint8Array(json.length);
      const valid = json.every((b, i) => {
        if (typeof b !== "number" || !Number.isInteger(b) || b < 0 || b > 255) return false;
        out[i] = b;
        return true;
      });
      if (valid) return out;
    }
    throw new InvalidMetadataError(
      `fill_value ${describe(json)} is not valid for data type bytes: expected base64 text or a list of byte values`,
    );
  },
  encodeFillValue: (element) => bytesToBase64(element),
  fromScalar(value) {
    if (!(value instanceof Uint8Array))
      throw new InvalidValueError("value is not valid for data type bytes: expected a Uint8Array");
    return copyBytes(value);
  },
  toScalar: (element) => copyBytes(element),
};
