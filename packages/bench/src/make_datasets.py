"""Creates the benchmark's source data and the five datasets with tensorstore (once per data dir)."""
import hashlib, json, os, sys
import numpy as np
import tensorstore as ts

here = os.path.dirname(os.path.abspath(__file__))
spec = json.load(open(os.path.join(here, "datasets.json")))
data = sys.argv[1]
os.makedirs(data, exist_ok=True)
done = os.path.join(data, "hashes.json")
if os.path.exists(done):
    sys.exit(0)
shape = spec["shape"]
y, x = np.mgrid[0:shape[0], 0:shape[1]].astype("float32")
rng = np.random.default_rng(20261201)
values = (np.sin(x / 300) * np.cos(y / 200) * 50 + rng.normal(0, 0.01, size=shape)).astype("<f4")
values.tofile(os.path.join(data, "source.f32"))
(w0, w1), (v0, v1) = spec["window"]
hashes = {"whole": hashlib.sha256(values.tobytes()).hexdigest(),
          "window": hashlib.sha256(np.ascontiguousarray(values[w0:w1, v0:v1]).tobytes()).hexdigest()}
context = {"file_io_sync": False}
for name, variant in spec["variants"].items():
    t = ts.open({"driver": "zarr3", "kvstore": {"driver": "file", "path": os.path.join(data, name)},
                 "context": context, "create": True, "delete_existing": True,
                 "metadata": {"shape": shape, "data_type": "float32", "fill_value": 0,
                              "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": variant["chunks"]}},
                              "codecs": variant["codecs"]}}).result()
    t.write(values).result()
json.dump(hashes, open(done, "w"))
