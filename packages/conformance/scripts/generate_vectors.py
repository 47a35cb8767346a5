"""Writes zarrkit's conformance vectors with peer implementations.

    python generate_vectors.py --peer tensorstore  OUT   # v3 arrays, sharding included (.venv)
    /usr/bin/python3 generate_vectors.py --peer zarr-python OUT   # v2 (Debian's zarr 2.13)

Each peer writes OUT/<peer>/<id>/ and OUT/<peer>/manifest.json. Every element is given by the
formula below (FORMULA.md in this folder says it in words); the runner recomputes it in
TypeScript, so expected values never come from zarrkit.
"""
import argparse, json, math, os, shutil, sys

import numpy as np


def element(dtype_kind, name, i, finite):
    """The value of flat (C-order) index i for a data type (the "standard-1" formula)."""
    if name == "bool":
        return i % 3 == 0
    if name.startswith(("int", "uint")):
        bits = int(name.lstrip("uint"))
        v = (i * 2654435761 + 12345) % (1 << bits)
        if name.startswith("int") and v >= 1 << (bits - 1):
            v -= 1 << bits
        return v
    if name.startswith("float"):
        if not finite:
            if i % 11 == 3:
                return math.nan
            if i % 11 == 5:
                return -0.0
            if i % 11 == 7:
                return math.inf
        return i * 0.25 - 7
    if name.startswith("complex"):
        return complex(i * 0.5, (i - 10) / 4)
    if name.startswith("r"):
        return bytes((i * 7 + k) & 255 for k in range(int(name[1:]) // 8))
    if name == "string":
        return "" if i % 5 == 0 else f"{i}:ünï" + "🧊" * (i % 3)
    if name == "bytes":
        return bytes((i * 7 + k) % 256 for k in range(i % 4))
    raise ValueError(name)


NUMPY = {"bool": "bool", "float16": "<f2", "float32": "<f4", "float64": "<f8",
         "complex64": "<c8", "complex128": "<c16"}


def formula_array(name, shape, box, finite):
    """The values inside `box` (per-dimension [start, stop)), indexed over the full shape."""
    strides = [int(np.prod(shape[d + 1:])) for d in range(len(shape))]
    sub = [stop - start for start, stop in box]
    count = int(np.prod(sub)) if sub else 1
    if name in ("string", "bytes") or name.startswith("r"):
        out = np.empty(count, dtype=object)
    else:
        out = np.empty(count, dtype=NUMPY.get(name, name))
    for k in range(count):
        rest, i = k, 0
        for d in reversed(range(len(sub))):
            i += (box[d][0] + rest % sub[d]) * strides[d]
            rest //= sub[d]
        out[k] = element(None, name, i, finite)
    if name.startswith("r"):
        out = np.frombuffer(b"".join(out), dtype=f"V{int(name[1:]) // 8}")
    return out.reshape(sub)


LE = {"name": "bytes", "configuration": {"endian": "little"}}
BE = {"name": "bytes", "configuration": {"endian": "big"}}
KEYS = [
    {"name": "default", "configuration": {"separator": "/"}},
    {"name": "default", "configuration": {"separator": "."}},
    {"name": "v2", "configuration": {"separator": "."}},
    {"name": "v2", "configuration": {"separator": "/"}},
]


def sharded(location, crc, inner, chunk=(2, 3)):
    return [{"name": "sharding_indexed", "configuration": {
        "chunk_shape": list(chunk), "codecs": inner,
        "index_codecs": [LE, {"name": "crc32c"}] if crc else [LE],
        "index_location": location}}]


V3_CHAINS = [
    ("bytes", [LE]),
    ("bytes-be-gzip", [BE, {"name": "gzip", "configuration": {"level": 5}}]),
    ("transpose-zstd", [{"name": "transpose", "configuration": {"order": [1, 0]}}, LE,
                        {"name": "zstd", "configuration": {"level": 3, "checksum": False}}]),
    ("zstd-checksum-crc32c", [LE, {"name": "zstd", "configuration": {"level": 1, "checksum": True}},
                              {"name": "crc32c"}]),
    ("blosc", [LE, {"name": "blosc", "configuration": {"cname": "lz4", "clevel": 5, "shuffle": "shuffle", "blocksize": 0}}]),
    ("shard-end-crc", sharded("end", True, [LE, {"name": "gzip", "configuration": {"level": 1}}])),
    ("shard-start", sharded("start", False, [BE])),
    ("shard-nested", sharded("end", True, sharded("start", True, [LE], (2, 3)), (2, 6))),
]
V3_TYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
            "float16", "float32", "float64", "complex64", "complex128"]
V3_FILLS = {"bool": True, "int8": -5, "int16": 7, "int32": -2147483648, "int64": -9223372036854775808,
            "uint8": 255, "uint16": 3, "uint32": 4294967295, "uint64": 18446744073709551615,
            "float16": "NaN", "float32": "-Infinity", "float64": -0.5, "complex64": [1.5, "NaN"],
            "complex128": ["Infinity", -2]}


def tensorstore_vectors(out):
    import tensorstore as ts
    from importlib.metadata import version
    ts.__version__ = version("tensorstore")
    entries = []

    def write(entry, spec_metadata, box):
        path = os.path.join(out, entry["id"])
        t = ts.open({"driver": "zarr3", "kvstore": {"driver": "file", "path": path}, "create": True,
                     "delete_existing": True, "metadata": spec_metadata}).result()
        if box is not None:
            values = formula_array(entry["data_type"], entry["shape"], box, entry["finite"])
            t[tuple(slice(a, b) for a, b in box)].write(values).result()
        entry["stored_keys"] = sorted(os.path.relpath(os.path.join(r, f), path)
                                      for r, _, fs in os.walk(path) for f in fs)
        entries.append(entry)

    shape, chunks, box = [5, 7], [2, 3], [[0, 4], [1, 7]]
    for t, name in enumerate(V3_TYPES):
        for k in range(2):
            label, codecs = V3_CHAINS[(2 * t + k) % len(V3_CHAINS)]
            key = KEYS[(t + k) % len(KEYS)]
            is_shard = label.startswith("shard")
            grid = [4, 6] if is_shard else chunks
            entry = {"id": f"v3-{name}-{label}", "zarr_format": 3, "peer": f"tensorstore {ts.__version__}",
                     "data_type": name, "shape": shape, "chunks": grid, "codecs": codecs,
                     "chunk_key_encoding": key, "fill_value": V3_FILLS[name], "written": box,
                     "finite": False}
            write(entry, {"shape": shape, "data_type": name, "fill_value": V3_FILLS[name],
                          "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": grid}},
                          "chunk_key_encoding": key, "codecs": codecs}, box)
    # 0-d, 1-d ragged and 3-d arrays; an array never written at all.
    for entry, box in [
        ({"id": "v3-0d-float64", "shape": [], "chunks": [], "data_type": "float64", "codecs": [LE], "fill_value": 0}, []),
        ({"id": "v3-1d-ragged-int32", "shape": [11], "chunks": [4], "data_type": "int32",
          "codecs": [LE, {"name": "gzip", "configuration": {"level": 1}}], "fill_value": 0}, [[2, 11]]),
        ({"id": "v3-3d-uint16-transpose", "shape": [3, 4, 5], "chunks": [2, 3, 2], "data_type": "uint16",
          "codecs": [{"name": "transpose", "configuration": {"order": [2, 0, 1]}}, BE], "fill_value": 9}, [[0, 3], [1, 4], [0, 5]]),
        ({"id": "v3-unwritten-float32", "shape": [4, 4], "chunks": [2, 2], "data_type": "float32",
          "codecs": [LE], "fill_value": "NaN"}, None),
    ]:
        entry.update({"zarr_format": 3, "peer": f"tensorstore {ts.__version__}",
                      "chunk_key_encoding": KEYS[0], "written": box, "finite": False})
        write(entry, {"shape": entry["shape"], "data_type": entry["data_type"], "fill_value": entry["fill_value"],
                      "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": entry["chunks"]}},
                      "chunk_key_encoding": KEYS[0], "codecs": entry["codecs"]}, box)
    # A v3 hierarchy: groups with attributes (plain documents) around tensorstore arrays.
    root = os.path.join(out, "v3-hierarchy")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "inner"))
    for path, attrs in [("", {"title": "v3 tree"}), ("inner", {"level": 1})]:
        with open(os.path.join(root, path, "zarr.json"), "w") as f:
            json.dump({"zarr_format": 3, "node_type": "group", "attributes": attrs}, f)
    arrays = []
    for sub, name in [("a", "int16"), ("inner/b", "float64")]:
        entry = {"id": f"v3-hierarchy/{sub}", "zarr_format": 3, "peer": f"tensorstore {ts.__version__}",
                 "data_type": name, "shape": [3, 4], "chunks": [2, 2], "codecs": [LE],
                 "chunk_key_encoding": KEYS[0], "fill_value": 0, "written": [[0, 3], [0, 4]], "finite": False}
        write(entry, {"shape": [3, 4], "data_type": name, "fill_value": 0,
                      "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2, 2]}},
                      "chunk_key_encoding": KEYS[0], "codecs": [LE]}, [[0, 3], [0, 4]])
        arrays.append(entries.pop())
    entries.append({"id": "v3-hierarchy", "zarr_format": 3, "kind": "hierarchy", "peer": "documents + tensorstore",
                    "groups": {"": {"title": "v3 tree"}, "inner": {"level": 1}},
                    "arrays": arrays, "consolidated": False})
    return entries


# ---- v2 (zarr-python 2.13) ----

V2_CASES = [
    # (id suffix, dtype, type name, fill, order, separator, compressor, filters, finite)
    ("b1", "|b1", "bool", False, "C", ".", None, None, False),
    ("i1-zlib", "|i1", "int8", -5, "F", "/", {"id": "zlib", "level": 3}, None, False),
    ("i2be-gzip", ">i2", "int16", 7, "C", ".", {"id": "gzip", "level": 1}, None, False),
    ("i4-delta-lz4", "<i4", "int32", 0, "C", "/", {"id": "lz4", "acceleration": 1}, [{"id": "delta", "dtype": "<i4"}], False),
    ("i8be-blosc-zstd", ">i8", "int64", -1, "F", ".", {"id": "blosc", "cname": "zstd", "clevel": 3, "shuffle": 2, "blocksize": 0}, None, False),
    ("u1-shuffle", "|u1", "uint8", 255, "C", ".", {"id": "zstd", "level": 3}, [{"id": "shuffle", "elementsize": 1}], False),
    ("u2be-adler32", ">u2", "uint16", 3, "C", "/", {"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0}, [{"id": "adler32"}], False),
    ("u4", "<u4", "uint32", 4294967295, "F", "/", None, None, False),
    ("u8-blosc-zlib", "<u8", "uint64", 18446744073709551615, "C", ".", {"id": "blosc", "cname": "zlib", "clevel": 1, "shuffle": 0, "blocksize": 0}, None, False),
    ("f2", "<f2", "float16", "NaN", "C", ".", {"id": "zlib", "level": 1}, None, False),
    ("f4-bitround", "<f4", "float32", "-Infinity", "C", ".", {"id": "zstd", "level": 1}, [{"id": "bitround", "keepbits": 10}], True),
    ("f8-fso", "<f8", "float64", 0.0, "F", ".", {"id": "gzip", "level": 5}, [{"id": "fixedscaleoffset", "offset": 1000, "scale": 10, "dtype": "<f8", "astype": "<i4"}], True),
    ("f8-delta", "<f8", "float64", 0.0, "C", "/", None, [{"id": "delta", "dtype": "<f8"}], True),
    ("c8", "<c8", "complex64", None, "C", ".", {"id": "lz4", "acceleration": 1}, None, False),
    ("c16be", ">c16", "complex128", None, "F", "/", {"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0}, None, False),
    ("V2-raw", "|V2", "r16", None, "C", ".", None, None, False),
    ("str-vlen-utf8", "|O", "string", "", "C", ".", {"id": "zstd", "level": 1}, [{"id": "vlen-utf8"}], False),
    ("str-vlen-utf8-F", "|O", "string", "", "F", "/", {"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 0, "blocksize": 0}, [{"id": "vlen-utf8"}], False),
    ("bytes-vlen-bytes", "|O", "bytes", None, "C", ".", {"id": "gzip", "level": 1}, [{"id": "vlen-bytes"}], False),
]


def zarr_python_vectors(out):
    import numcodecs
    import zarr
    entries = []
    peer = f"zarr-python {zarr.__version__}"

    def write(store_path, case, shape, chunks, box, path_in_store=None):
        cid, dtype, name, fill, order, sep, compressor, filters, finite = case
        obj = dtype == "|O"
        filters = [numcodecs.get_codec(dict(f)) for f in filters or []]
        z = zarr.create(shape=shape, chunks=chunks, dtype=object if obj else dtype,
                        compressor=numcodecs.get_codec(dict(compressor)) if compressor else None,
                        fill_value=fill, order=order, filters=(filters[1:] if obj else filters) or None,
                        object_codec=filters[0] if obj else None, overwrite=True,
                        store=zarr.DirectoryStore(store_path, dimension_separator=sep), path=path_in_store)
        if box is not None:
            values = formula_array(name, shape, box, finite)
            z[tuple(slice(a, b) for a, b in box)] = values
        return z

    shape, chunks, box = [5, 7], [2, 3], [[0, 4], [1, 7]]
    for case in V2_CASES:
        cid, dtype, name, fill, order, sep, compressor, filters, finite = case
        path = os.path.join(out, f"v2-{cid}")
        shutil.rmtree(path, ignore_errors=True)
        # fill_value null leaves never-written chunks undefined in zarr-python: write everything.
        this_box = [[0, 5], [0, 7]] if fill is None and dtype != "|O" else box
        write(path, case, shape, chunks, this_box)
        entries.append({"id": f"v2-{cid}", "zarr_format": 2, "peer": peer, "data_type": name,
                        "shape": shape, "chunks": chunks, "fill_value": fill, "written": this_box,
                        "finite": finite, "v2": {"dtype": dtype, "order": order, "dimension_separator": sep,
                                                 "compressor": compressor, "filters": filters},
                        "lossy": any(f["id"] in ("bitround", "fixedscaleoffset") for f in filters or []),
                        "stored_keys": sorted(os.path.relpath(os.path.join(r, f), path)
                                              for r, _, fs in os.walk(path) for f in fs)})
    # A v2 hierarchy with attributes and consolidated metadata.
    root_path = os.path.join(out, "v2-hierarchy")
    shutil.rmtree(root_path, ignore_errors=True)
    root = zarr.open_group(root_path, mode="w")
    root.attrs["title"] = "v2 tree"
    inner = root.create_group("inner")
    inner.attrs["level"] = 1
    arrays = []
    for sub, case in [("a", V2_CASES[2]), ("inner/b", V2_CASES[11])]:
        write(root_path, case, [3, 4], [2, 2], [[0, 3], [0, 4]], path_in_store=sub)
        cid, dtype, name, fill, order, sep, compressor, filters, finite = case
        arrays.append({"id": f"v2-hierarchy/{sub}", "zarr_format": 2, "peer": peer, "data_type": name,
                       "shape": [3, 4], "chunks": [2, 2], "fill_value": fill, "written": [[0, 3], [0, 4]],
                       "finite": finite, "lossy": case[0].endswith("fso"),
                       "v2": {"dtype": dtype, "order": order, "dimension_separator": sep,
                              "compressor": compressor, "filters": filters}})
    zarr.consolidate_metadata(root.store)
    entries.append({"id": "v2-hierarchy", "zarr_format": 2, "kind": "hierarchy", "peer": peer,
                    "groups": {"": {"title": "v2 tree"}, "inner": {"level": 1}},
                    "arrays": arrays, "consolidated": True})
    return entries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--peer", choices=["tensorstore", "zarr-python"], required=True)
    parser.add_argument("out")
    args = parser.parse_args()
    out = os.path.abspath(os.path.join(args.out, args.peer))
    os.makedirs(out, exist_ok=True)
    entries = tensorstore_vectors(out) if args.peer == "tensorstore" else zarr_python_vectors(out)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump({"formula": "standard-1", "peer": args.peer, "vectors": entries}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{len(entries)} vectors in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
