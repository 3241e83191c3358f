#!/bin/sh
# Configure and build in a build directory of its own: scripts/build.sh DIR [configure options].
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$1
shift
[ -x "$top/configure" ] || "$top/autogen.sh" >/dev/null 2>&1
mkdir -p "$dir"
cd "$dir"
[ -f Makefile ] || "$top/configure" --enable-test-hooks "$@" >/dev/null
make -j"$(nproc)" >/dev/null
