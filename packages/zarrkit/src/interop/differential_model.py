"""NumPy's side of the randomised differential tests (test-support/differential.ts).

A peer's script defines three functions and is run with this file appended:
  create(case)               -> a handle to a new array at case["peerPath"]
  write(handle, sel, values) -> writes values (shaped as sel selects) at sel, a tuple of
                                ints and slices of positive step inside the array
  resize(handle, shape)      -> the handle of the array resized to shape
  read_whole(path)           -> the whole array at path, as NumPy
stdin: ["write" | "read", cases]. Each case's directory holds w<j>.bin, the values of its
writes (little-endian, C order). NumPy keeps the model: an array of the fill value with the
writes applied in order.
  write: the peer creates the array and applies the writes; the model's answer to each of
         case["reads"] goes to r<k>.bin (little-endian, C order), its shape to the answer.
  read:  the peer reads the array zarrkit wrote at case["zkPath"]; the answer says, per case,
         whether it equals the model.
"""
import base64
import json
import os
import sys

import numpy as np


def item(text):
    """One item of a NumPy basic-indexing string: an int or a slice."""
    text = text.strip()
    if ":" not in text:
        return int(text)
    return slice(*[int(p) if p.strip() else None for p in text.split(":")])


def selection(text, shape):
    items = [item(t) for t in text.split(",")] if text.strip() else []
    return tuple(items) + (slice(None),) * (len(shape) - len(items))


def dtype_of(case):
    if case["dtype"].startswith("["):  # a structured dtype's fields, as JSON
        return np.dtype([tuple(f) for f in json.loads(case["dtype"])])
    return np.dtype(case["dtype"])


def is_text(case):
    return dtype_of(case) == np.dtype(object)


def fill_of(case):
    number = lambda f: float(f.replace("Infinity", "inf")) if isinstance(f, str) else f  # noqa: E731
    f = case["fillValue"]
    if is_text(case):
        return np.array(f, dtype=object)
    kind = dtype_of(case).kind
    if dtype_of(case).names:  # base64 of the packed little-endian record
        le = np.frombuffer(base64.b64decode(f), dtype=dtype_of(case).newbyteorder("<"))
        return le.reshape(()).astype(dtype_of(case))
    if kind == "S":  # base64, as .zarray holds it
        return np.array(base64.b64decode(f), dtype=dtype_of(case))
    if kind in "mM":  # int64 counts of the unit
        return np.array(f, dtype=np.int64).view(dtype_of(case).newbyteorder("=")).astype(dtype_of(case))
    if kind == "U":
        return np.array(f, dtype=dtype_of(case))
    if isinstance(f, list):
        return np.array(complex(number(f[0]), number(f[1])), dtype=dtype_of(case))
    return np.array(number(f), dtype=dtype_of(case))


def values_of(case, j, w):
    """The values of write j: the fill value, a scalar, or w<j>.bin in the selection's shape."""
    dt = dtype_of(case)
    if w.get("scalar") == "fill":
        return fill_of(case)
    if "scalar" in w:
        return np.array(w["scalar"], dtype=dt)
    shape = np.empty(case["shape"], dtype=np.uint8)[selection(w["selection"], case["shape"])].shape
    if is_text(case):
        items = json.load(open(os.path.join(case["dir"], f"w{j}.json")))
        return np.array(items, dtype=object).reshape(shape)
    raw = open(os.path.join(case["dir"], f"w{j}.bin"), "rb").read()
    return np.frombuffer(raw, dtype=dt.newbyteorder("<")).reshape(shape).astype(dt)


def model(case):
    a = np.full(case["shape"], fill_of(case), dtype=dtype_of(case))
    for j, w in enumerate(case["writes"]):
        a[selection(w["selection"], case["shape"])] = values_of(case, j, w)
    if "resize" in case:
        # What the old shape and the new share keeps its values; the rest is the fill value.
        b = np.full(case["resize"], fill_of(case), dtype=dtype_of(case))
        common = tuple(slice(0, min(m, n)) for m, n in zip(case["shape"], case["resize"]))
        b[common] = a[common]
        a = b
    return a


def positive(sel, shape, values):
    """The same elements through slices of positive step (peers keep NumPy's meaning only for
    those), with the values flipped where a step was negative; (None, None) if none selected."""
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
            if values.ndim > 0:
                values = np.flip(values, axis)
        axis += 1
    return tuple(out), values


def write_case(case):
    handle = create(case)  # noqa: F821 - defined by the peer's script
    for j, w in enumerate(case["writes"]):
        sel, values = positive(selection(w["selection"], case["shape"]), case["shape"],
                               values_of(case, j, w))
        if sel is not None:
            write(handle, sel, values)  # noqa: F821
    if "resize" in case:
        handle = resize(handle, case["resize"])  # noqa: F821
    if case["reader"] == "zip":
        zip_peer(case)
    a = model(case)
    shapes = []
    for k, text in enumerate(case["reads"]):
        got = np.array(a[selection(text, a.shape)], order="C", dtype=dtype_of(case))
        if is_text(case):
            with open(os.path.join(case["dir"], f"r{k}.json"), "w") as f:
                json.dump([str(x) for x in got.ravel()], f)
        else:
            with open(os.path.join(case["dir"], f"r{k}.bin"), "wb") as f:
                f.write(got.astype(dtype_of(case).newbyteorder("<")).tobytes())
        shapes.append(list(got.shape))
    return shapes


def zip_peer(case):
    """The peer's array as a zip archive beside it (entries stored or deflated, by case)."""
    import zipfile
    method = zipfile.ZIP_DEFLATED if case["index"] % 2 else zipfile.ZIP_STORED
    with zipfile.ZipFile(os.path.join(case["dir"], "peer.zip"), "w", method) as z:
        for root, _, files in os.walk(case["peerPath"]):
            for name in files:
                path = os.path.join(root, name)
                z.write(path, os.path.relpath(path, case["peerPath"]))


def read_case(case):
    got = np.asarray(read_whole(case["zkPath"]))  # noqa: F821
    want = model(case)
    if got.shape != want.shape:
        return f"shape {got.shape} != {want.shape}"
    if is_text(case):
        g, w = [str(x) for x in got.ravel()], [str(x) for x in want.ravel()]
        bad = [i for i, (x, y) in enumerate(zip(g, w)) if x != y]
        return True if not bad else f"{len(bad)} elements differ, first at {bad[0]}: {g[bad[0]]!r} != {w[bad[0]]!r}"
    # Compared as values of one byte order, bit for bit (NaN payloads included).
    g = np.ascontiguousarray(got.astype(want.dtype.newbyteorder("<")))
    w = np.ascontiguousarray(want.astype(want.dtype.newbyteorder("<")))
    gb = g.view(np.uint8).reshape(g.shape + (-1,))
    wb = w.view(np.uint8).reshape(w.shape + (-1,))
    bad = np.argwhere((gb != wb).any(-1))
    if len(bad) > 0:
        at = tuple(bad[0])
        return f"{len(bad)} elements differ, first at {list(map(int, at))}: {got[at]!r} != {want[at]!r}"
    return True


mode, cases = json.load(sys.stdin)
answer = {}
for case in cases:
    try:
        answer[case["id"]] = write_case(case) if mode == "write" else read_case(case)
    except Exception as e:  # noqa: BLE001 - each case reports its own failure
        answer[case["id"]] = {"error": f"{type(e).__name__}: {e}"}
json.dump(answer, sys.stdout)
