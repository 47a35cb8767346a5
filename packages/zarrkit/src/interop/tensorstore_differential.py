"""The tensorstore and NumPy side of tensorstore-differential.test.ts.

stdin: ["write" | "read", cases]. Each case names a directory holding w<j>.bin (the values of
its writes, little-endian, C order). NumPy keeps the model: an array of the fill value with the
writes applied in order.
  write: tensorstore creates the array at case["tsPath"] and applies the writes; the model's
         answer to each of case["reads"] goes to r<k>.bin, its shape to the JSON answer.
  read:  tensorstore reads the whole array zarrkit wrote at case["zkPath"]; the JSON answer
         says, per case, whether it equals the model.
"""
import json
import os
import sys

import numpy as np
import tensorstore as ts


def item(text, length):
    """One item of a NumPy basic-indexing string: an int or a slice."""
    text = text.strip()
    if ":" not in text:
        return int(text)
    parts = [p.strip() for p in text.split(":")]
    return slice(*[int(p) if p else None for p in parts])


def selection(text, shape):
    items = [item(t, n) for t, n in zip(text.split(","), shape)] if text.strip() else []
    return tuple(items) + (slice(None),) * (len(shape) - len(items))


def fill_of(case):
    dt = np.dtype(case["dataType"])
    f = case["fillValue"]
    if isinstance(f, str):
        return np.array(float(f.replace("Infinity", "inf")), dtype=dt)
    return np.array(f, dtype=dt)


def model(case):
    dt = np.dtype(case["dataType"])
    a = np.full(case["shape"], fill_of(case), dtype=dt)
    for j, w in enumerate(case["writes"]):
        sel = selection(w["selection"], case["shape"])
        if "scalar" in w:
            a[sel] = fill_of(case) if w["scalar"] == "fill" else np.array(w["scalar"], dtype=dt)
        else:
            raw = open(os.path.join(case["dir"], f"w{j}.bin"), "rb").read()
            a[sel] = np.frombuffer(raw, dtype=dt.newbyteorder("<")).reshape(a[sel].shape)
    return a


def positive(sel, shape, values):
    """The same elements through slices of positive step (tensorstore's strided slicing keeps
    NumPy's meaning only for those), with the values flipped where a step was negative."""
    out = []
    axis = 0
    for s, n in zip(sel, shape):
        if isinstance(s, int):
            out.append(s + n if s < 0 else s)
            continue
        r = range(*s.indices(n))
        if len(r) == 0:
            return None, None
        if r.step > 0:
            out.append(slice(r[0], r[-1] + 1, r.step))
        else:
            out.append(slice(r[-1], r[0] + 1, -r.step))
            if values is not None and values.ndim > 0:
                values = np.flip(values, axis)
        axis += 1
    return tuple(out), values


def metadata(case):
    return {
        "shape": case["shape"],
        "data_type": case["dataType"],
        "fill_value": case["fillValue"],
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": case["chunkShape"]}},
        "chunk_key_encoding": case["chunkKeyEncoding"],
        "codecs": case["codecs"],
    }


def write(case):
    dt = np.dtype(case["dataType"])
    t = ts.open({"driver": "zarr3", "kvstore": {"driver": "file", "path": case["tsPath"]},
                 "create": True, "delete_existing": True, "metadata": metadata(case)}).result()
    for j, w in enumerate(case["writes"]):
        sel = selection(w["selection"], case["shape"])
        if "scalar" in w:
            values = fill_of(case) if w["scalar"] == "fill" else np.array(w["scalar"], dtype=dt)
        else:
            raw = open(os.path.join(case["dir"], f"w{j}.bin"), "rb").read()
            shape = np.empty(case["shape"], dtype=np.uint8)[sel].shape
            values = np.frombuffer(raw, dtype=dt.newbyteorder("<")).reshape(shape).astype(dt)
        sel, values = positive(sel, case["shape"], values)
        if sel is not None:
            t[sel].write(values).result()
    a = model(case)
    shapes = []
    for k, text in enumerate(case["reads"]):
        got = np.array(a[selection(text, case["shape"])], order="C")
        open(os.path.join(case["dir"], f"r{k}.bin"), "wb").write(
            got.astype(dt.newbyteorder("<")).tobytes())
        shapes.append(list(got.shape))
    return shapes


def read(case):
    got = ts.open({"driver": "zarr3", "kvstore": {"driver": "file", "path": case["zkPath"]},
                   "open": True}).result().read().result()
    want = model(case)
    if got.shape != want.shape:
        return f"shape {got.shape} != {want.shape}"
    if got.tobytes() != want.tobytes():
        bad = np.argwhere((got.view(np.uint8).reshape(got.shape + (-1,))
                           != want.view(np.uint8).reshape(want.shape + (-1,))).any(-1))
        return f"{len(bad)} elements differ, first at {bad[0].tolist()}: {got[tuple(bad[0])]!r} != {want[tuple(bad[0])]!r}"
    return True


mode, cases = json.load(sys.stdin)
answer = {}
for case in cases:
    try:
        answer[case["id"]] = write(case) if mode == "write" else read(case)
    except Exception as e:  # noqa: BLE001 - each case reports its own failure
        answer[case["id"]] = {"error": f"{type(e).__name__}: {e}"}
json.dump(answer, sys.stdout)
