import { describe, expect, it } from "vitest";
import { isZarrkitError } from "../errors/errors.js";
import { parseJson, stringifyJson } from "./lossless-json.js";

describe("lossless JSON", () => {
  it("keeps 64-bit integers exact and -0 signed", () => {
    const doc = parseJson(
      '{"u": 18446744073709551615, "i": -9223372036854775808, "s": 9007199254740991, "z": -0, "f": -0.0, "e": 1.5e3}',
    );
    expect(doc).toEqual({
      u: 18446744073709551615n,
      i: -9223372036854775808n,
      s: 9007199254740991,
      z: -0,
      f: -0,
      e: 1500,
    });
    expect(Object.is((doc as { z: number }).z, -0)).toBe(true);
    expect(stringifyJson(doc, 0)).toBe(
      '{"u":18446744073709551615,"i":-9223372036854775808,"s":9007199254740991,"z":-0.0,"f":-0.0,"e":1500}',
    );
  });

  it("agrees with JSON.parse/stringify on ordinary documents", () => {
    const text =
      '{"a": [1, 2.5, -3e-7, true, false, null, "x\\u00e9\\n\\"\\\\/"], "b": {"c": {}, "d": []}, "__proto__": 1}';
    const doc = parseJson(text);
    expect(JSON.parse(stringifyJson(doc, 2))).toEqual(JSON.parse(text));
    expect(stringifyJson(doc, 2)).toBe(JSON.stringify(JSON.parse(text), null, 2));
    expect(Object.keys(doc as object)).toContain("__proto__");
  });

  it("sees duplicate keys anywhere, and is not fooled by strings that look like keys", () => {
    const tricky = '{"a": "\\"b\\": 1", "c": ["d\\\\", {"e": ":"}], "f" : {"g": "h\\":"}}';
    expect(parseJson(tricky)).toEqual(JSON.parse(tricky));
    for (const text of [
      '{"x": [{"k": 1, "k": 2}]}',
      '{"s": "\\":", "s": 1}',
      '{"k" : 1, "k"\n:2}',
    ]) {
      expect(() => parseJson(text), text).toThrow(/duplicate key/);
    }
  });

  it("reads a large consolidated document the same as JSON.parse", () => {
    const nodes: Record<string, unknown> = {};
    for (let i = 0; i < 2000; i++) {
      nodes[`group/array-${i}`] = {
        shape: [i, 1024],
        fill_value: i % 3 === 0 ? "NaN" : i / 8,
        attributes: { title: `array "${i}"`, scale: [0.5, -i] },
      };
    }
    const text = JSON.stringify({ consolidated_metadata: { metadata: nodes } }, null, 2);
    expect(parseJson(text)).toEqual(JSON.parse(text));
  });

  it.each([
    ["[1, 2,]", "line 1, column 7"],
    ['{"a": 1,}', "a string key"],
    ["NaN", "a JSON value"],
    ["[Infinity]", "a JSON value"],
    ["// c\n1", "a JSON value"],
    ["01", "end of the number"],
    ['{"a": 1, "a": 2}', "duplicate"],
    ['{"a"\n  1}', "line 2, column 3"],
    ['"tab\there"', "control characters"],
    ["[1] 2", "end of input"],
    ["", "a JSON value"],
  ])("rejects %j with a positioned error (%s)", (text, message) => {
    let error: unknown;
    try {
      parseJson(text);
    } catch (err) {
      error = err;
    }
    expect(isZarrkitError(error, "InvalidMetadata")).toBe(true);
    expect((error as Error).message).toContain(message);
  });

  it("writes ASCII only when asked, escaping the rest as Python's json.dumps does", () => {
    const doc = { clé: ["Tromsø", "🧊", "a\nb"] };
    // What Python's json.dumps(doc, ensure_ascii=True, separators=(",", ":")) gives.
    expect(stringifyJson(doc, 0, { ascii: true })).toBe(
      '{"cl\\u00e9":["Troms\\u00f8","\\ud83e\\uddca","a\\nb"]}',
    );
    expect(JSON.parse(stringifyJson(doc, 4, { ascii: true }))).toEqual(doc);
    expect(stringifyJson(doc, 0)).toBe(JSON.stringify(doc));
  });

  it("refuses to write non-finite numbers", () => {
    expect(() => stringifyJson(Number.NaN)).toThrow(/NaN/);
  });
});
