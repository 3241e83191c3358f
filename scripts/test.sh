#!/bin/sh
# The README's test command: install what is needed, build, run the whole test suite.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh"
"$top/scripts/build.sh" "$top/_build"
make -C "$top/_build" -j"$(nproc)" check
