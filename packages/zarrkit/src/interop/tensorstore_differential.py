"""tensorstore as the peer of tensorstore-differential.test.ts (see differential_model.py)."""
import tensorstore as ts


def create(case):
    metadata = {
        "shape": case["shape"],
        "data_type": case["dataType"],
        "fill_value": case["fillValue"],
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": case["chunkShape"]}},
        "chunk_key_encoding": case["chunkKeyEncoding"],
        "codecs": case["codecs"],
    }
    return ts.open({"driver": "zarr3", "kvstore": {"driver": "file", "path": case["peerPath"]},
                    "create": True, "delete_existing": True, "metadata": metadata}).result()


def write(handle, sel, values):
    handle[sel].write(values).result()


def resize(handle, shape):
    return handle.resize(exclusive_max=shape).result()


def read_whole(path):
    return ts.open({"driver": "zarr3", "kvstore": {"driver": "file", "path": path},
                    "open": True}).result().read().result()
