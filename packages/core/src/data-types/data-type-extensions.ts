import { InvalidMetadataError } from "../errors/errors.js";
import type { JsonObject, JsonValue } from "../json/json-value.js";
import type { DataTypeExtension } from "../registry/extension.js";
import { CORE_DATA_TYPE_NAMES, coreDataType } from "./core-data-types.js";
import type { DataType } from "./data-type.js";
import { FIXED_LENGTH_UTF32, fixedLengthUtf32FromConfig } from "./fixed-length-utf32.js";
import { lengthBytesOf } from "./length-bytes-config.js";
import { lowPrecisionDataTypeExtensions } from "./low-precision-data-types.js";
import { NULL_TERMINATED_BYTES, nullTerminatedBytesFromConfig } from "./null-terminated-bytes.js";
import {
  NUMPY_DATETIME64,
  NUMPY_TIMEDELTA64,
  numpyTimeDataTypeFromConfig,
} from "./numpy-time-data-types.js";
import { STRUCT, STRUCTURED, structFromConfig } from "./struct-data-type.js";
import { bytesDataType, stringDataType } from "./variable-length-data-types.js";

function resolve(name: string, configuration: JsonObject | undefined): DataType {
  if (configuration !== undefined && Object.keys(configuration).length > 0) {
    throw new InvalidMetadataError(`data_type "${name}" takes no configuration`);
  }
  const dataType = coreDataType(name);
  if (dataType === undefined)
    throw new InvalidMetadataError(`data_type "${name}" is not a valid core data type`);
  return dataType;
}

/** Fill values the conformance suite tries for each kind of type. */
function sampleFillValues(name: string): JsonValue[] {
  if (name === "bool") return [false, true];
  if (name.startsWith("complex"))
    return [
      [0, 0],
      ["NaN", -1.5],
    ];
  if (name.startsWith("float")) return [0, "NaN", -0.5];
  if (name.startsWith("int")) return [0, -7];
  return [0, 7];
}

/** The v3 core data types as registry entries; `r*` covers the raw types r8, r16, ... */
export const coreDataTypeExtensions: readonly DataTypeExtension[] = [
  ...CORE_DATA_TYPE_NAMES.map(
    (name): DataTypeExtension => ({
      kind: "data-type",
      name,
      fromConfig: resolve,
      samples: sampleFillValues(name).map((fillValue) => ({ name, fillValue })),
    }),
  ),
  {
    kind: "data-type",
    name: "r*",
    matches: (name) => /^r[1-9][0-9]*$/.test(name) && coreDataType(name) !== undefined,
    fromConfig: resolve,
    samples: [
      { name: "r8", fillValue: [0] },
      { name: "r24", fillValue: [1, 2, 255] },
    ],
  },
  variableLengthExtension(stringDataType, ["", "n/a", "ünïcødé ✓"]),
  {
    kind: "data-type",
    name: FIXED_LENGTH_UTF32,
    fromConfig: (_name, configuration) => fixedLengthUtf32FromConfig(configuration),
    samples: [{ name: FIXED_LENGTH_UTF32, configuration: { length_bytes: 12 }, fillValue: "n/a" }],
  },
  variableLengthExtension(bytesDataType, ["", "AAEC/w=="]),
  // The names zarr-python 3.1 writes for NumPy's V and vlen-bytes types (read and written as
  // the types they are: r<8n> and bytes).
  {
    kind: "data-type",
    name: "raw_bytes",
    fromConfig(name, configuration) {
      const raw = coreDataType(`r${lengthBytesOf(name, configuration) * 8}`);
      if (raw === undefined)
        throw new InvalidMetadataError(`data_type "${name}": length_bytes must be positive`);
      return raw;
    },
    samples: [],
  },
  { ...variableLengthExtension(bytesDataType, []), name: "variable_length_bytes" },
  ...(
    [
      [NUMPY_DATETIME64, { unit: "s", scale_factor: 1 }, "NaT"],
      [NUMPY_TIMEDELTA64, { unit: "ms", scale_factor: 10 }, 0],
    ] as const
  ).map(
    ([name, configuration, fillValue]): DataTypeExtension => ({
      kind: "data-type",
      name,
      fromConfig: (_name, config) => numpyTimeDataTypeFromConfig(name, config),
      samples: [{ name, configuration, fillValue }],
    }),
  ),
  ...[STRUCT, STRUCTURED].map(
    (name): DataTypeExtension => ({
      kind: "data-type",
      name,
      fromConfig: structFromConfig,
      // `structured` is read, never written: the suite writes `struct`.
      samples:
        name === STRUCT
          ? [
              {
                name,
                configuration: {
                  fields: [
                    { name: "id", data_type: "int32" },
                    { name: "flag", data_type: "bool" },
                    { name: "value", data_type: "float64" },
                  ],
                },
                fillValue: { id: -1, flag: false, value: "NaN" },
              },
            ]
          : [],
    }),
  ),
  {
    kind: "data-type",
    name: NULL_TERMINATED_BYTES,
    fromConfig: (_name, configuration) => nullTerminatedBytesFromConfig(configuration),
    samples: [
      { name: NULL_TERMINATED_BYTES, configuration: { length_bytes: 5 }, fillValue: "YWI=" },
    ],
  },
  ...lowPrecisionDataTypeExtensions,
];

/** zarr-extensions `string` and `bytes`; serialised only by the vlen-utf8/vlen-bytes codecs. */
function variableLengthExtension(dataType: DataType, fillValues: JsonValue[]): DataTypeExtension {
  return {
    kind: "data-type",
    name: dataType.name,
    fromConfig(name, configuration) {
      if (configuration !== undefined && Object.keys(configuration).length > 0)
        throw new InvalidMetadataError(`data_type "${name}" takes no configuration`);
      return dataType;
    },
    samples: fillValues.map((fillValue) => ({ name: dataType.name, fillValue })),
  };
}
