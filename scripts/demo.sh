#!/bin/sh
# The README's demo command: install what is needed, build, and take a fictional applicant
# through all seven steps on a throwaway SoftHSM2 token with the local test CA.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh"
"$top/scripts/build.sh" "$top/_build"
make -C "$top/_build" demo
