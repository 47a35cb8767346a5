import { describe, expect, it } from "vitest";
import { isZarrkitError } from "../errors/errors.js";
import { parseJson, stringifyJson } from "../json/lossless-json.js";
import { nodeMetadataToJson, parseNodeMetadata } from "./array-metadata.js";

// The array metadata example of the v3 core specification, plus optional fields.
const SPEC_EXAMPLE = `{
  "zarr_format": 3,
  "node_type": "array",
  "shape": [10000, 1000],
  "data_type": "float64",
  "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [1000, 100]}},
  "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
  "fill_value": "NaN",
  "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "gzip", "configuration": {"level": 1}}],
  "attributes": {"foo": 42, "bar": "apples", "baz": [1, 2, 3, 4]},
  "dimension_names": ["rows", "columns"]
}`;

const roundTrip = (text: string) =>
  stringifyJson(nodeMetadataToJson(parseNodeMetadata(parseJson(text))), 2);

describe("v3 array metadata", () => {
  it("parses the spec's example into typed fields", () => {
    const m = parseNodeMetadata(parseJson(SPEC_EXAMPLE));
    expect(m.nodeType).toBe("array");
    if (m.nodeType !== "array") return;
    expect(m.shape).toEqual([10000, 1000]);
    expect(m.dataType.name).toBe("float64");
    expect(m.chunkGrid.configuration).toEqual({ chunk_shape: [1000, 100] });
    expect(m.codecs.map((c) => c.name)).toEqual(["bytes", "gzip"]);
    expect(m.fillValue).toBe("NaN");
    expect(m.dimensionNames).toEqual(["rows", "columns"]);
  });

  it("serialises stably: what it writes reads back to the same bytes, fields in spec order", () => {
    const once = roundTrip(SPEC_EXAMPLE);
    expect(roundTrip(once)).toBe(once);
    expect(Object.keys(JSON.parse(once))).toEqual([
      "zarr_format",
      "node_type",
      "shape",
      "data_type",
      "chunk_grid",
      "chunk_key_encoding",
      "fill_value",
      "codecs",
      "attributes",
      "dimension_names",
    ]);
  });

  it("keeps 64-bit fill values, -0.0 and string-shorthand extension points exactly", () => {
    const doc = SPEC_EXAMPLE.replace('"NaN"', "18446744073709551615")
      .replace('"float64"', '"uint64"')
      .replace(
        '{"name": "regular", "configuration": {"chunk_shape": [1000, 100]}}',
        '{"name": "regular", "configuration": {"chunk_shape": [1000, 100]}, "must_understand": true}',
      );
    const out = roundTrip(doc);
    expect(out).toContain('"fill_value": 18446744073709551615');
    expect(out).toContain('"must_understand": true');
    expect(roundTrip(SPEC_EXAMPLE.replace('"NaN"', "-0.0"))).toContain('"fill_value": -0.0');
    expect(
      roundTrip(SPEC_EXAMPLE.replace('"data_type": "float64"', '"data_type": {"name": "float64"}')),
    ).toContain('"data_type": {\n    "name": "float64"\n  }');
  });

  it("tolerates and preserves unknown fields that say must_understand: false", () => {
    const doc = SPEC_EXAMPLE.replace(
      '"zarr_format": 3,',
      '"zarr_format": 3, "my_ext": {"must_understand": false, "x": [1, 2]},',
    );
    const out = JSON.parse(roundTrip(doc));
    expect(out.my_ext).toEqual({ must_understand: false, x: [1, 2] });
  });

  it.each([
    ['"zarr_format": 3,', '"zarr_format": 2,', "zarr_format"],
    ['"node_type": "array"', '"node_type": "table"', "node_type"],
    ['"shape": [10000, 1000]', '"shape": [10000, -1]', "shape[1]"],
    ['"shape": [10000, 1000]', '"shape": "big"', "shape"],
    ['"codecs": [', '"codecs": [], "x": [', "codecs"],
    ['"dimension_names": ["rows", "columns"]', '"dimension_names": ["rows"]', "dimension_names"],
    [
      '"dimension_names": ["rows", "columns"]',
      '"dimension_names": ["rows", 3]',
      "dimension_names[1]",
    ],
    ['"attributes": {', '"attributes": [1], "y": {', "attributes"],
    ['"fill_value": "NaN",', "", "fill_value"],
    ['"data_type": "float64"', '"data_type": {"nome": "float64"}', "data_type"],
    [
      '"chunk_grid": {"name": "regular",',
      '"chunk_grid": {"name": "regular", "extra": 1,',
      "chunk_grid",
    ],
  ])("rejects %s -> %s, naming %s", (from, to, field) => {
    const doc = SPEC_EXAMPLE.replace(from, to);
    expect(doc).not.toBe(SPEC_EXAMPLE);
    let error: unknown;
    try {
      parseNodeMetadata(parseJson(doc), "some/array");
    } catch (err) {
      error = err;
    }
    expect(
      isZarrkitError(error, "InvalidMetadata") || isZarrkitError(error, "UnsupportedFeature"),
    ).toBe(true);
    expect((error as Error).message).toContain(field);
    expect((error as Error).message).toContain("some/array");
  });

  it("rejects unknown fields that must be understood, naming them", () => {
    const doc = SPEC_EXAMPLE.replace(
      '"zarr_format": 3,',
      '"zarr_format": 3, "new_thing": {"a": 1},',
    );
    expect(() => parseNodeMetadata(parseJson(doc))).toThrow(/new_thing/);
    const transformer = SPEC_EXAMPLE.replace(
      '"zarr_format": 3,',
      '"zarr_format": 3, "storage_transformers": [{"name": "t"}],',
    );
    expect(() => parseNodeMetadata(parseJson(transformer))).toThrow(/storage transformer.*"t"/);
  });

  it("parses groups, with zarr-python's consolidated_metadata: null", () => {
    const text =
      '{"zarr_format": 3, "node_type": "group", "attributes": {"a": 1}, "consolidated_metadata": null}';
    const m = parseNodeMetadata(parseJson(text));
    expect(m).toMatchObject({ nodeType: "group", attributes: { a: 1 } });
    expect(JSON.parse(roundTrip(text))).toEqual(JSON.parse(text));
  });
});
