#!/usr/bin/env bash
# Writes ../THIRD_PARTY_LICENSES.md: the licences of the libraries compiled into the addon (run
# after changing what vendor/ holds; the file is committed and published with the package).
set -euo pipefail
cd "$(dirname "$0")"
licence() { # title, file
  printf '\n## %s\n\n```text\n' "$1"
  cat "$2"
  printf '```\n'
}
{
  echo "# Third-party licences"
  echo
  echo "@zarrkit/native compiles c-blosc, LZ4, zlib, zstd and libdeflate into its addon (the"
  echo "sources, unmodified, are in vendor/). Their licences follow."
  licence "c-blosc 1.21.3 (BSD-3-Clause)" c-blosc/LICENSES/BLOSC.txt
  licence "c-blosc: bitshuffle (MIT)" c-blosc/LICENSES/BITSHUFFLE.txt
  licence "c-blosc: BloscLZ, derived from FastLZ (MIT)" c-blosc/LICENSES/FASTLZ.txt
  licence "LZ4 1.9.4, lib/ (BSD-2-Clause)" lz4/lib/LICENSE
  licence "zlib 1.2.13 (Zlib)" zlib/LICENSE
  licence "zstd 1.5.4 (BSD-3-Clause; zstd is dual-licensed BSD/GPLv2, used here under BSD)" zstd/LICENSE
  licence "libdeflate 1.14 (MIT)" libdeflate/COPYING
} >../THIRD_PARTY_LICENSES.md
echo "wrote $(cd .. && pwd)/THIRD_PARTY_LICENSES.md"
