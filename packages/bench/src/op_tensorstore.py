"""One timed tensorstore operation in its own process: prints {"ms", "hash"} as JSON.
`op_tensorstore.py - import` times the imports alone, first thing in the process."""
import sys, time
if sys.argv[2] == "import":
    start = time.perf_counter()
    import numpy, tensorstore
    print('{"ms": %f, "hash": null}' % ((time.perf_counter() - start) * 1000))
    sys.exit(0)
import hashlib, json, os
import numpy as np
import tensorstore as ts

here = os.path.dirname(os.path.abspath(__file__))
spec = json.load(open(os.path.join(here, "datasets.json")))
variant, op, data, out = sys.argv[1:5]
kv = lambda path: {"driver": "file", "path": path}
if op == "write":
    values = np.fromfile(os.path.join(data, "source.f32"), dtype="<f4").reshape(spec["shape"])
    v = spec["variants"][variant]
    start = time.perf_counter()
    t = ts.open({"driver": "zarr3", "kvstore": kv(out), "context": {"file_io_sync": False},
                 "create": True, "delete_existing": True,
                 "metadata": {"shape": spec["shape"], "data_type": "float32", "fill_value": 0,
                              "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": v["chunks"]}},
                              "codecs": v["codecs"]}}).result()
    t.write(values).result()
    ms = (time.perf_counter() - start) * 1000
    print(json.dumps({"ms": ms, "hash": None}))
else:
    start = time.perf_counter()
    t = ts.open({"driver": "zarr3", "kvstore": kv(os.path.join(data, variant)), "open": True}).result()
    if op == "window":
        (a, b), (c, d) = spec["window"]
        got = t[a:b, c:d].read().result()
    else:
        got = t.read().result()
    ms = (time.perf_counter() - start) * 1000
    print(json.dumps({"ms": ms, "hash": hashlib.sha256(np.ascontiguousarray(got).tobytes()).hexdigest()}))
