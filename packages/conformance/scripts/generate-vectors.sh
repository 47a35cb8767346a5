#!/usr/bin/env bash
# Regenerates the committed conformance vectors with the peer implementations.
#   TENSORSTORE_PYTHON: an interpreter with tensorstore + numpy (default: the repository's .venv)
#   ZARR_PYTHON: an interpreter with zarr-python 2.13 (default: Debian's /usr/bin/python3)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../vectors"
rm -rf "$out"
"${TENSORSTORE_PYTHON:-$here/../../../.venv/bin/python}" "$here/generate_vectors.py" --peer tensorstore "$out"
"${ZARR_PYTHON:-/usr/bin/python3}" "$here/generate_vectors.py" --peer zarr-python "$out"
