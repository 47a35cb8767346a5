"""zarr-python 2.13 as the peer of zarr-python-differential.test.ts (see differential_model.py)."""
import numcodecs
import zarr


def create(case):
    codec = lambda c: None if c is None else numcodecs.get_codec(dict(c))  # noqa: E731
    return zarr.open_array(
        zarr.DirectoryStore(case["peerPath"], dimension_separator=case["dimensionSeparator"]),
        mode="w", shape=case["shape"], chunks=case["chunkShape"], dtype=case["dtype"],
        compressor=codec(case["compressor"]),
        filters=None if case["filters"] is None else [codec(f) for f in case["filters"]],
        order=case["order"], fill_value=fill_of(case),  # noqa: F821 - differential_model.py
        object_codec=numcodecs.VLenUTF8() if case["dtype"] == "|O" else None,
    )


def write(handle, sel, values):
    # zarr-python broadcasts NumPy scalars but not 0-d arrays.
    handle[sel] = values[()] if values.ndim == 0 else values


def resize(handle, shape):
    handle.resize(*shape)
    return handle


def read_whole(path):
    return zarr.open_array(path, mode="r")[...]
