"""zarr-python 2.13 as the peer of zarr-python-differential.test.ts (see differential_model.py)."""
import numcodecs
import zarr


def create(case):
    codec = lambda c: None if c is None else numcodecs.get_codec(dict(c))  # noqa: E731
    dtype = dtype_of(case)  # noqa: F821 - differential_model.py
    fill = fill_of(case)[()]  # noqa: F821 - a scalar, as open_array would make it
    # zarr.create, not open_array: zarr-python 2.13 takes a record fill value as its bytes only.
    return zarr.create(
        store=zarr.DirectoryStore(case["peerPath"], dimension_separator=case["dimensionSeparator"]),
        overwrite=True, shape=case["shape"], chunks=case["chunkShape"], dtype=dtype,
        compressor=codec(case["compressor"]),
        filters=None if case["filters"] is None else [codec(f) for f in case["filters"]],
        order=case["order"], fill_value=fill.tobytes() if dtype.names else fill,
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
